#!/usr/bin/env bash
# Print export lines for the running test gateway: eval "$(scripts/rgw-env.sh)"
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
env_file="${RGW_DIR:-$repo_root/.rgw}/env"
[[ -f "$env_file" ]] || { echo "rgw-env: $env_file missing; run scripts/rgw-start.sh" >&2; exit 1; }
sed 's/^/export /' "$env_file"
