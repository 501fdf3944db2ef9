# Shared by scripts/servers/<name>-{start,stop}.sh; source it after setting
# SERVER_NAME and SERVER_PORT. Each server runs on 127.0.0.1, keeps its state in
# .servers/<name>/ (env, pid, log) and its installs in ~/.cache/mps3-servers/.
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SERVER_HOST=127.0.0.1
SERVER_DIR="$repo_root/.servers/$SERVER_NAME"
SERVER_CACHE="${MPS3_SERVERS_CACHE:-$HOME/.cache/mps3-servers}"
SERVER_START_TIMEOUT_S="${MPS3_SERVER_START_TIMEOUT:-120}"
SERVER_STOP_WAIT_S=20
server_started_at=$SECONDS

server_fail() {
  echo "$SERVER_NAME-start: $*" >&2
  [[ -f "$SERVER_DIR/log" ]] && { echo "$SERVER_NAME-start: last lines of $SERVER_DIR/log:" >&2; tail -n 20 "$SERVER_DIR/log" >&2; }
  exit 1
}

# Whether something on the port answers an HTTP request with a status line.
server_answers() {
  local status
  { exec 3<>"/dev/tcp/$SERVER_HOST/$SERVER_PORT"; } 2>/dev/null || return 1
  printf 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' "$SERVER_HOST" >&3
  read -r -t 2 status <&3 || true
  exec 3>&-
  [[ "$status" == HTTP/* ]]
}

# Exits 0 when this server already runs; fails when something else holds its port.
server_exit_if_running() {
  if [[ -f "$SERVER_DIR/env" ]] && server_answers; then
    echo "$SERVER_NAME-start: already running at http://$SERVER_HOST:$SERVER_PORT"
    exit 0
  fi
  if server_answers; then
    server_fail "port $SERVER_PORT answers, but not as a server these scripts started"
  fi
  mkdir -p "$SERVER_DIR"
  rm -f "$SERVER_DIR/env"
}

# Runs the command in the background with its output in the log, and records its pid.
server_spawn() {
  : >"$SERVER_DIR/log"
  setsid "$@" >>"$SERVER_DIR/log" 2>&1 </dev/null &
  echo $! >"$SERVER_DIR/pid"
}

# kill -0 alone counts the zombie of a server that died as this script's child.
server_alive() {
  local state
  state="$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ "$state" != Z* ]]
}

server_wait_until_answering() {
  local pid deadline=$((SECONDS + SERVER_START_TIMEOUT_S))
  pid="$(cat "$SERVER_DIR/pid")"
  until server_answers; do
    server_alive "$pid" || server_fail "exited before answering"
    ((SECONDS < deadline)) || server_fail "not answering after ${SERVER_START_TIMEOUT_S}s"
    sleep 0.1
  done
}

# Writes the connection settings the tests and the conformance tool read.
server_write_env() {
  local access_key=$1 secret_key=$2 region=$3
  cat >"$SERVER_DIR/env" <<ENV
MPS3_S3_ENDPOINT=http://$SERVER_HOST:$SERVER_PORT
AWS_ACCESS_KEY_ID=$access_key
AWS_SECRET_ACCESS_KEY=$secret_key
AWS_REGION=$region
ENV
  echo "$SERVER_NAME-start: listening on http://$SERVER_HOST:$SERVER_PORT after $((SECONDS - server_started_at))s; env in $SERVER_DIR/env"
}

# Stops a process (its whole process group, when it leads one) and waits for it to go; $2 names it in messages.
server_stop_pid() {
  local pid=$1 what=$2
  if kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null; then
    for ((i = 0; i < SERVER_STOP_WAIT_S * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$SERVER_NAME-stop: $what (pid $pid) ignored SIGTERM for ${SERVER_STOP_WAIT_S}s, killing it" >&2
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
}

# Stops the recorded process and waits for it to go.
server_stop() {
  rm -f "$SERVER_DIR/env"
  [[ -f "$SERVER_DIR/pid" ]] || return 0
  server_stop_pid "$(cat "$SERVER_DIR/pid")" "$SERVER_NAME"
  rm -f "$SERVER_DIR/pid"
}
