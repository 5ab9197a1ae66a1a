#!/usr/bin/env bash
# Makes sure the system packages the portal needs are present.
#   scripts/system-deps.sh        for the test suite: everything below
#   scripts/system-deps.sh run    for serving (make run): only what the PDF reports need
# PDF reports (evidence packs): CJK fonts (without them Chinese prints as empty boxes) and Pango,
# which WeasyPrint draws text with. Test suite: also Chromium (browser tests), the PostgreSQL
# server binaries and redis-server (the suite starts a throwaway server of each).
# Installs them with apt-get when running as root; otherwise says exactly what to install.
set -euo pipefail
purpose="${1:-test}"

missing=()
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ "$purpose" = test ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v openssl >/dev/null || missing+=(openssl)  # the suite's time-stamping authority; verify_pack.py
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages ($purpose): ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" fontconfig >/dev/null
  # Debian's packages start a PostgreSQL cluster and a Redis server; the suite runs its own.
  if printf '%s\n' "${missing[@]}" | grep -qx postgresql; then
    service postgresql stop >/dev/null 2>&1 || true
  fi
  if printf '%s\n' "${missing[@]}" | grep -qx redis-server; then
    service redis-server stop >/dev/null 2>&1 || true
  fi
  exit 0
fi

echo "Missing system packages ($purpose): ${missing[*]}" >&2
echo "Install them with:  sudo apt-get install ${missing[*]}" >&2
exit 1
