#!/usr/bin/env bash
# Stop the server moto-start.sh started.
set -euo pipefail
SERVER_NAME=moto
SERVER_PORT=7481
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
server_stop
