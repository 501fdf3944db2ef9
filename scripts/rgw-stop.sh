#!/usr/bin/env bash
# Stop the cluster started by rgw-start.sh, one daemon at a time: stopping
# radosgw and the OSD together can hang radosgw.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RGW_DIR="${RGW_DIR:-$repo_root/.rgw}"
WAIT_S=20

stop_daemon() {
  local name=$1 pid_file="$RGW_DIR/run/$1.pid" pid
  [[ -f "$pid_file" ]] || return 0
  pid="$(cat "$pid_file")"
  if kill -TERM "$pid" 2>/dev/null; then
    for ((i = 0; i < WAIT_S * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "rgw-stop: $name (pid $pid) ignored SIGTERM for ${WAIT_S}s, killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$pid_file"
}

stop_daemon client.rgw.mps3
stop_daemon osd.0
stop_daemon mon.0
rm -f "$RGW_DIR/env"
