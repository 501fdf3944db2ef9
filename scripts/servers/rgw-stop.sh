#!/usr/bin/env bash
# Stop the cluster scripts/servers/rgw-start.sh started (scripts/rgw-stop.sh, daemon by daemon).
set -euo pipefail
SERVER_NAME=rgw
SERVER_PORT=7480
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$repo_root/scripts/rgw-stop.sh"
rm -f "$SERVER_DIR/env" "$SERVER_DIR/pid"
