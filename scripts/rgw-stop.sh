#!/usr/bin/env bash
# Stop the cluster started by rgw-start.sh, one daemon at a time: stopping
# radosgw and the OSD together can hang radosgw.
set -euo pipefail

SERVER_NAME=rgw
SERVER_PORT=7480
source "$(dirname "${BASH_SOURCE[0]}")/servers/lib.sh"
RGW_DIR="${RGW_DIR:-$repo_root/.rgw}"

stop_daemon() {
  local pid_file="$RGW_DIR/run/$1.pid"
  [[ -f "$pid_file" ]] || return 0
  server_stop_pid "$(cat "$pid_file")" "$1"
  rm -f "$pid_file"
}

stop_daemon client.rgw.mps3
stop_daemon osd.0
stop_daemon mon.0
rm -f "$RGW_DIR/env"
