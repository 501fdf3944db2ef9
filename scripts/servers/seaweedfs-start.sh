#!/usr/bin/env bash
# Start SeaweedFS (master, volume server, filer and S3 gateway in one `weed
# server` process) with its S3 gateway on 127.0.0.1:7484 and the others on
# 7494-7496 (gRPC on those +10000), state under .servers/seaweedfs/data. The
# first run builds weed from the Go module proxy into ~/.cache/mps3-servers/bin
# (several minutes on 2 cores); later runs reuse it. Idempotent; stop with
# seaweedfs-stop.sh.
set -euo pipefail
SERVER_NAME=seaweedfs
SERVER_PORT=7484
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WEED_MODULE=github.com/seaweedfs/seaweedfs
# Its release tags (4.01, ...) are not semantic versions, so the proxy serves
# only pseudo-versions; this one is the newest that go get accepted on Go 1.26.
WEED_VERSION=v0.0.0-20261109003541-7506e5f91cd6
MASTER_PORT=7494
VOLUME_PORT=7495
FILER_PORT=7496
ACCESS_KEY=mps3testaccesskey
SECRET_KEY=mps3testsecretkey
weed="$SERVER_CACHE/bin/weed-$WEED_VERSION"
deadline=$((SECONDS + SERVER_START_TIMEOUT_S))

server_exit_if_running

# go install refuses a module whose go.mod has replace directives, as
# SeaweedFS's does; a throwaway main module that repeats them builds it instead.
build_weed() {
  local build_dir="$SERVER_CACHE/build/seaweedfs-$WEED_VERSION" built_at=$SECONDS
  command -v go >/dev/null || server_fail "go is not installed; it is needed to build weed"
  echo "seaweedfs-start: building weed $WEED_VERSION (several minutes the first time)"
  rm -rf "$build_dir"
  mkdir -p "$build_dir" "$SERVER_CACHE/bin"
  cat >"$build_dir/go.mod" <<GOMOD
module mps3-servers/seaweedfs-build

go 1.26

replace github.com/tyler-smith/go-bip39 => github.com/cosmos/go-bip39 v1.0.0
GOMOD
  (
    cd "$build_dir"
    export GOTOOLCHAIN=local GOFLAGS=-mod=mod
    go get "$WEED_MODULE/weed@$WEED_VERSION"
    go build -o "$weed.tmp" "$WEED_MODULE/weed"
  ) || server_fail "could not build weed $WEED_VERSION"
  mv "$weed.tmp" "$weed"
  echo "seaweedfs-start: built weed in $((SECONDS - built_at))s"
  server_started_at=$SECONDS
  deadline=$((SECONDS + SERVER_START_TIMEOUT_S))
}
[[ -x "$weed" ]] || build_weed

"$repo_root/scripts/servers/seaweedfs-stop.sh"
rm -rf "$SERVER_DIR/data"
mkdir -p "$SERVER_DIR/data"
# Each bucket is a collection of its own; one volume per collection (not 7)
# and room for 1000 lets a test run create hundreds of buckets.
export WEED_MASTER_VOLUME_GROWTH_COPY_1=1
server_spawn "$weed" server -ip="$SERVER_HOST" -ip.bind="$SERVER_HOST" -dir="$SERVER_DIR/data" \
  -master.port="$MASTER_PORT" -volume.port="$VOLUME_PORT" -filer.port="$FILER_PORT" \
  -master.peers=none -master.volumeSizeLimitMB=64 -volume.max=1000 -master.telemetry=false \
  -s3 -s3.port="$SERVER_PORT" -s3.port.iceberg=0 -s3.port.lance=0 \
  -s3.config="$repo_root/scripts/servers/seaweedfs/s3-identities.json"
server_wait_until_answering

# The gateway answers HTTP before the filer behind it takes requests.
pid="$(cat "$SERVER_DIR/pid")"
until MPS3_S3_ENDPOINT="http://$SERVER_HOST:$SERVER_PORT" AWS_ACCESS_KEY_ID=$ACCESS_KEY \
  AWS_SECRET_ACCESS_KEY=$SECRET_KEY AWS_REGION=us-east-1 \
  "$repo_root/node_modules/.bin/tsx" "$repo_root/scripts/servers/s3-answers.ts" 2>>"$SERVER_DIR/log"; do
  server_alive "$pid" || server_fail "exited before a signed ListBuckets succeeded"
  ((SECONDS < deadline)) || server_fail "no signed ListBuckets succeeded within ${SERVER_START_TIMEOUT_S}s"
  sleep 0.2
done
server_write_env "$ACCESS_KEY" "$SECRET_KEY" us-east-1
