#!/usr/bin/env bash
# Stop the processes swift-start.sh started (proxy first, memcached last) and
# wait until each is gone.
set -euo pipefail
SERVER_NAME=swift
SERVER_PORT=7483
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rm -f "$SERVER_DIR/env"
[[ -f "$SERVER_DIR/pid" ]] || exit 0
for pid in $(tac "$SERVER_DIR/pid"); do
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || continue
  for ((i = 0; i < SERVER_STOP_WAIT_S * 10; i++)); do
    server_alive "$pid" || break
    sleep 0.1
  done
  if server_alive "$pid"; then
    echo "swift-stop: pid $pid ignored SIGTERM for ${SERVER_STOP_WAIT_S}s, killing it" >&2
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
done
rm -f "$SERVER_DIR/pid"
