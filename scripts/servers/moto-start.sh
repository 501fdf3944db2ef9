#!/usr/bin/env bash
# Start moto's standalone server (AWS S3 emulated in Python) on 127.0.0.1:7481,
# installing moto[server] from PyPI into a venv under ~/.cache/mps3-servers the
# first time. Idempotent; stop it with moto-stop.sh.
set -euo pipefail
SERVER_NAME=moto
SERVER_PORT=7481
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
MOTO_VERSION=5.2.5
venv="$SERVER_CACHE/moto-$MOTO_VERSION"

server_exit_if_running

if [[ ! -x "$venv/bin/moto_server" ]]; then
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
    echo "moto-start: installing python3-venv"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q python3-venv
  fi
  echo "moto-start: installing moto[server]==$MOTO_VERSION into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi

server_spawn "$venv/bin/moto_server" -H "$SERVER_HOST" -p "$SERVER_PORT"
server_wait_until_answering
server_write_env moto-access-key moto-secret-key us-east-1
