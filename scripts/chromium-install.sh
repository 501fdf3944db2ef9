#!/usr/bin/env bash
# Install Debian's Chromium for the browser test (impl/chromium.rgw.test.ts),
# which drives it with playwright-core; Playwright's own browser download is
# never used. Does nothing when /usr/bin/chromium is there.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
  exit 0
fi
echo "chromium-install: installing Debian's chromium"
started_at=$SECONDS
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q chromium
echo "chromium-install: $(/usr/bin/chromium --version 2>/dev/null) after $((SECONDS - started_at))s"
