#!/usr/bin/env bash
# Stop the weed server seaweedfs-start.sh started.
set -euo pipefail
SERVER_NAME=seaweedfs
SERVER_PORT=7484
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
server_stop
