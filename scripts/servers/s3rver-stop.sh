#!/usr/bin/env bash
# Stop the server s3rver-start.sh started and remove its data.
set -euo pipefail
SERVER_NAME=s3rver
SERVER_PORT=7482
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
server_stop
rm -rf "$SERVER_DIR/data"
