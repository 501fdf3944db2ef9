#!/usr/bin/env bash
# Start OpenStack Swift with its S3 layer (s3api) on 127.0.0.1:7483: memcached,
# one-replica account/container/object rings on one directory under
# .servers/swift/srv, the three storage servers on 7490-7492 and the proxy
# (s3api + tempauth) on 7483. Installs Debian's packages the first time.
# Credentials: tempauth user test:tester, password testing, which s3api takes as
# access key "test:tester" and secret "testing". Idempotent; stop with swift-stop.sh.
set -euo pipefail
SERVER_NAME=swift
SERVER_PORT=7483
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
OBJECT_PORT=7490
CONTAINER_PORT=7491
ACCOUNT_PORT=7492
MEMCACHED_PORT=7493
ACCESS_KEY=test:tester
SECRET_KEY=testing
templates="$repo_root/scripts/servers/swift"
deadline=$((SECONDS + SERVER_START_TIMEOUT_S))

fail() {
  echo "swift-start: $*" >&2
  echo "swift-start: logs are in $SERVER_DIR/log/" >&2
  "$repo_root/scripts/servers/swift-stop.sh"
  exit 1
}

all_alive() {
  local pid
  while read -r pid; do
    server_alive "$pid" || return 1
  done <"$SERVER_DIR/pid"
}

# One dead server of the five is a broken set: stop the rest and start anew.
if [[ -f "$SERVER_DIR/env" && -f "$SERVER_DIR/pid" ]] && ! all_alive; then
  echo "swift-start: a server of the running set has exited; restarting all"
  "$repo_root/scripts/servers/swift-stop.sh"
fi
server_exit_if_running

if ! command -v swift-proxy-server >/dev/null || ! command -v swift-account-server >/dev/null \
  || ! command -v swift-container-server >/dev/null || ! command -v swift-object-server >/dev/null \
  || ! command -v memcached >/dev/null; then
  echo "swift-start: installing swift-proxy swift-account swift-container swift-object memcached"
  install_started_at=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # Another start script may be installing its own packages at the same time.
  apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends swift-proxy swift-account swift-container swift-object memcached
  echo "swift-start: installed in $((SECONDS - install_started_at))s"
  server_started_at=$SECONDS
  deadline=$((SECONDS + SERVER_START_TIMEOUT_S))
fi
# The servers read the hash path salt and storage policies from this file
# alone (swift_dir moves only the rings); the package ships one.
grep -q '^swift_hash_path_suffix' /etc/swift/swift.conf 2>/dev/null \
  || fail "/etc/swift/swift.conf has no swift_hash_path_suffix (it comes with the swift package)"

# A half-started set from an earlier run would hold the ports.
"$repo_root/scripts/servers/swift-stop.sh"

rm -rf "$SERVER_DIR"
mkdir -p "$SERVER_DIR/etc" "$SERVER_DIR/srv/d1" "$SERVER_DIR/cache" "$SERVER_DIR/log"

for conf in proxy-server account-server container-server object-server; do
  sed -e "s|@STATE@|$SERVER_DIR|g" -e "s|@USER@|$(id -un)|g" \
    -e "s|@PROXY_PORT@|$SERVER_PORT|g" -e "s|@OBJECT_PORT@|$OBJECT_PORT|g" \
    -e "s|@CONTAINER_PORT@|$CONTAINER_PORT|g" -e "s|@ACCOUNT_PORT@|$ACCOUNT_PORT|g" \
    -e "s|@MEMCACHED_PORT@|$MEMCACHED_PORT|g" \
    "$templates/$conf.conf" >"$SERVER_DIR/etc/$conf.conf"
done

/usr/bin/python3 "$templates/build-rings.py" "$SERVER_DIR/etc" "$SERVER_HOST" "$ACCOUNT_PORT" "$CONTAINER_PORT" "$OBJECT_PORT" \
  >>"$SERVER_DIR/log/rings.log" 2>&1 || fail "could not build the rings (see rings.log)"

port_answers() {
  local SERVER_PORT=$1
  server_answers
}
for port in "$ACCOUNT_PORT" "$CONTAINER_PORT" "$OBJECT_PORT"; do
  port_answers "$port" && fail "port $port, which a Swift storage server needs, is taken"
done

spawn() {
  local name=$1
  shift
  setsid "$@" >>"$SERVER_DIR/log/$name.log" 2>&1 </dev/null &
  echo $! >>"$SERVER_DIR/pid"
}
spawn memcached memcached -l "$SERVER_HOST" -p "$MEMCACHED_PORT" -U 0 -m 64 -u "$(id -un)"
for server in account container object proxy; do
  spawn "$server-server" "swift-$server-server" "$SERVER_DIR/etc/$server-server.conf" --verbose
done

s3_answers() {
  MPS3_S3_ENDPOINT="http://$SERVER_HOST:$SERVER_PORT" AWS_ACCESS_KEY_ID=$ACCESS_KEY \
    AWS_SECRET_ACCESS_KEY=$SECRET_KEY AWS_REGION=us-east-1 \
    "$repo_root/node_modules/.bin/tsx" "$repo_root/scripts/servers/s3-answers.ts" 2>>"$SERVER_DIR/log/s3-answers.log"
}

wait_until() {
  local what=$1
  shift
  until "$@"; do
    all_alive || fail "a server exited before $what (pids in $SERVER_DIR/pid)"
    ((SECONDS < deadline)) || fail "gave up after ${SERVER_START_TIMEOUT_S}s waiting for $what"
    sleep 0.2
  done
}
for port in "$ACCOUNT_PORT" "$CONTAINER_PORT" "$OBJECT_PORT" "$SERVER_PORT"; do
  wait_until "port $port answered HTTP" port_answers "$port"
done
wait_until "a signed ListBuckets succeeded" s3_answers
all_alive || fail "a server exited during the start (pids in $SERVER_DIR/pid)"

server_write_env "$ACCESS_KEY" "$SECRET_KEY" us-east-1
