#!/usr/bin/env bash
# Start s3rver (a fake S3 in Node, the known-bad control: it ignores conditional
# writes) on 127.0.0.1:7482 with an empty data directory, installing it from npm
# under ~/.cache/mps3-servers the first time (it is a test server, not a
# dependency). Idempotent; stop it with s3rver-stop.sh.
set -euo pipefail
SERVER_NAME=s3rver
SERVER_PORT=7482
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
S3RVER_VERSION=3.7.1
prefix="$SERVER_CACHE/s3rver-$S3RVER_VERSION"
bin="$prefix/node_modules/.bin/s3rver"

server_exit_if_running

if [[ ! -x "$bin" ]]; then
  echo "s3rver-start: installing s3rver@$S3RVER_VERSION into $prefix"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "s3rver@$S3RVER_VERSION"
fi

rm -rf "$SERVER_DIR/data"
mkdir -p "$SERVER_DIR/data"
# S3RVER / S3RVER are the credentials it accepts by default.
# Its continuation tokens are DES-encrypted, which OpenSSL 3 offers only through its legacy provider.
server_spawn node --openssl-legacy-provider "$bin" --directory "$SERVER_DIR/data" --address "$SERVER_HOST" --port "$SERVER_PORT" --no-vhost-buckets
server_wait_until_answering
server_write_env S3RVER S3RVER us-east-1
