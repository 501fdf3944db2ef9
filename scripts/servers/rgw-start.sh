#!/usr/bin/env bash
# Ceph RGW under the servers' convention: scripts/rgw-start.sh starts it (and
# keeps writing .rgw/env); this copies its env and the gateway's pid to .servers/rgw/.
set -euo pipefail
SERVER_NAME=rgw
SERVER_PORT=7480
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$repo_root/scripts/rgw-start.sh"
mkdir -p "$SERVER_DIR"
cp "$repo_root/.rgw/env" "$SERVER_DIR/env"
cp "$repo_root/.rgw/run/client.rgw.mps3.pid" "$SERVER_DIR/pid"
ln -sfn "$repo_root/.rgw/log" "$SERVER_DIR/log"
