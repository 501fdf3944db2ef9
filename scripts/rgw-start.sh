#!/usr/bin/env bash
# Start a throwaway one-node Ceph cluster (mon, memstore OSD, radosgw) on
# loopback and write the S3 endpoint and test credentials to $RGW_DIR/env.
# Idempotent: exits 0 at once when the gateway already answers.
set -euo pipefail

SERVER_NAME=rgw
SERVER_PORT=7480
source "$(dirname "${BASH_SOURCE[0]}")/servers/lib.sh"
RGW_DIR="${RGW_DIR:-$repo_root/.rgw}"
RGW_DIR="$(mkdir -p "$RGW_DIR" && cd "$RGW_DIR" && pwd)"
RGW_HOST=$SERVER_HOST
RGW_PORT=$SERVER_PORT
ACCESS_KEY=mps3testaccesskey
SECRET_KEY=mps3testsecretkey
TIMEOUT_S="${RGW_START_TIMEOUT:-60}"
export CEPH_CONF="$RGW_DIR/ceph.conf"

fail() {
  echo "rgw-start: $*" >&2
  echo "rgw-start: logs are in $RGW_DIR/log" >&2
  exit 1
}

write_env_file() {
  cat >"$RGW_DIR/env" <<EOF
MPS3_S3_ENDPOINT=http://$RGW_HOST:$RGW_PORT
AWS_ACCESS_KEY_ID=$ACCESS_KEY
AWS_SECRET_ACCESS_KEY=$SECRET_KEY
AWS_REGION=us-east-1
EOF
}

if [[ -f "$RGW_DIR/env" ]] && server_answers; then
  echo "rgw-start: already running at http://$RGW_HOST:$RGW_PORT"
  exit 0
fi

if ! command -v radosgw >/dev/null || ! command -v ceph-mon >/dev/null || ! command -v ceph-osd >/dev/null; then
  echo "rgw-start: installing radosgw ceph-mon ceph-osd"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q radosgw ceph-mon ceph-osd
fi

# A half-started cluster from an earlier run would hold the ports.
"$repo_root/scripts/rgw-stop.sh"

started_at=$SECONDS
deadline=$((SECONDS + TIMEOUT_S))
remaining() {
  local left=$((deadline - SECONDS))
  ((left > 0)) || fail "gave up after ${TIMEOUT_S}s"
  echo "$left"
}

rm -rf "$RGW_DIR/monmap" "$RGW_DIR/run" "$RGW_DIR/mon" "$RGW_DIR/osd" "$RGW_DIR/radosgw" "$RGW_DIR/log" "$RGW_DIR/env"
mkdir -p "$RGW_DIR/run" "$RGW_DIR/mon/ceph-0" "$RGW_DIR/osd/ceph-0" "$RGW_DIR/radosgw/ceph-rgw.mps3" "$RGW_DIR/log"

fsid="$(cat /proc/sys/kernel/random/uuid)"
cat >"$CEPH_CONF" <<EOF
[global]
fsid = $fsid
mon host = v2:$RGW_HOST:3300
public network = 127.0.0.0/8
run dir = $RGW_DIR/run
pid file = $RGW_DIR/run/\$name.pid
admin socket = $RGW_DIR/run/\$name.asok
log file = $RGW_DIR/log/\$name.log

auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
# Without crc, radosgw loops on "get_initial_auth_request returned -13".
ms mon client mode = crc

osd crush chooseleaf type = 0
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon max pg per osd = 1000
mon data avail crit = 0
paxos propose interval = 0.01

[mon]
mon data = $RGW_DIR/mon/\$cluster-\$id

[osd]
osd data = $RGW_DIR/osd/\$cluster-\$id
osd objectstore = memstore

[client.rgw.mps3]
rgw data = $RGW_DIR/radosgw/\$cluster-\$id
rgw frontends = beast endpoint=$RGW_HOST:$RGW_PORT tcp_nodelay=1
EOF

ceph_cli() {
  local left
  left="$(remaining)" || exit 1
  timeout "$left" "$@" --keyring /dev/null >>"$RGW_DIR/log/setup.log" 2>&1 \
    || fail "'$*' failed or timed out (see $RGW_DIR/log/setup.log)"
}

ceph_cli monmaptool --create --fsid "$fsid" --addv 0 "[v2:$RGW_HOST:3300]" "$RGW_DIR/monmap"
ceph_cli ceph-mon --id 0 --mkfs --monmap "$RGW_DIR/monmap"
ceph_cli ceph-mon --id 0
ceph_cli ceph osd create
ceph_cli ceph osd crush add osd.0 1 root=default
ceph_cli ceph-osd --id 0 --mkfs
ceph_cli ceph-osd --id 0
ceph_cli radosgw -n client.rgw.mps3

# The gateway listens only once it has created its pools.
until server_answers; do
  remaining >/dev/null
  sleep 0.1
done

ceph_cli radosgw-admin user create --uid mps3 --display-name mps3 --max-buckets 0 \
  --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY"
write_env_file
echo "rgw-start: listening on http://$RGW_HOST:$RGW_PORT after $((SECONDS - started_at))s; env in $RGW_DIR/env"
