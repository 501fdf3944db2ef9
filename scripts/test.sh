#!/usr/bin/env bash
# The whole test suite, from nothing: installs the npm dependencies, type-checks,
# starts every S3 server in scripts/servers/list on loopback (each start script
# installs what it needs) and Debian's Chromium for the browser test, runs every
# test, runs the conformance tool against each server, and stops the servers it
# started.
# MPS3_SERVERS="rgw moto" starts only those (MPS3_SERVERS= none); MPS3_SKIP_RGW=1
# leaves out the gateway. Suites of a server that is not running say they skip,
# except in CI (CI=true), where every listed server must start.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
npx tsc --noEmit -p .

if [[ -v MPS3_SERVERS ]]; then
  read -r -a wanted <<<"$MPS3_SERVERS"
else
  mapfile -t wanted < <(grep -Ev '^[[:space:]]*(#|$)' scripts/servers/list)
fi
started=()
# A server that was running before (its env file there) is left running.
to_stop=()
stop_servers() {
  local name
  for name in "${to_stop[@]}"; do bash "scripts/servers/$name-stop.sh" || true; done
}
trap stop_servers EXIT
for name in "${wanted[@]}"; do
  [[ "$name" == rgw && "${MPS3_SKIP_RGW:-}" == 1 ]] && continue
  echo "== starting $name =="
  began=$SECONDS
  running_before=""
  [[ -f ".servers/$name/env" ]] && running_before=1
  if bash "scripts/servers/$name-start.sh"; then
    started+=("$name")
    [[ -n "$running_before" ]] || to_stop+=("$name")
    echo "== $name answers after $((SECONDS - began))s =="
  elif [[ "${CI:-}" == true ]]; then
    echo "test: $name did not start after $((SECONDS - began))s; CI needs every server in scripts/servers/list" >&2
    exit 1
  else
    echo "test: $name did not start; its suites will be skipped" >&2
  fi
done
# The browser test runs on the gateway, so it needs Chromium only when the gateway is up.
if [[ " ${started[*]} " == *" rgw "* ]] && ! bash scripts/chromium-install.sh; then
  if [[ "${CI:-}" == true ]]; then
    echo "test: chromium did not install; CI needs it for the browser test" >&2
    exit 1
  fi
  echo "test: chromium did not install; the browser test will be skipped" >&2
fi

npx vitest run

# The conformance tool on every server at once (each run takes a minute or more), then their tables in order.
conformance="$(mktemp -d)"
for name in "${started[@]}"; do
  (
    set -a; source ".servers/$name/env"; set +a
    code=0
    npx tsx jepsen/cli.ts conformance --endpoint "$MPS3_S3_ENDPOINT" --bucket "ci-conformance-$RANDOM" --path-style --create-bucket \
      >"$conformance/$name" 2>&1 || code=$?
    echo "$code" >"$conformance/$name.code"
  ) &
done
wait
failed=0
for name in "${started[@]}"; do
  echo "== Conformance of $name (asserted by jepsen/conformance/conformance.servers.test.ts) =="
  cat "$conformance/$name"
  # Exit 1 means some probes fail, as they do on most servers; 2 would mean the tool could not run.
  code="$(cat "$conformance/$name.code")"
  if ((code > 1)); then
    echo "test: the conformance tool could not run against $name (exit $code)" >&2
    failed=1
  fi
done
rm -rf "$conformance"
exit "$failed"
