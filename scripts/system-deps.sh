#!/usr/bin/env bash
# Makes sure the system packages the test suite needs are present: Chromium and CJK fonts
# (browser tests and PDF reports), Pango (PDF reports) and the PostgreSQL server binaries (the
# suite starts a throwaway server).
# Installs them with apt-get when running as root; otherwise says exactly what to install.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
# WeasyPrint (evidence pack PDFs) draws text with Pango.
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages for the test suite: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" fontconfig >/dev/null
  # Debian's postgresql package starts a cluster; the suite runs its own, so stop that one.
  if printf '%s\n' "${missing[@]}" | grep -qx postgresql; then
    service postgresql stop >/dev/null 2>&1 || true
  fi
  exit 0
fi

echo "Missing system packages for the test suite: ${missing[*]}" >&2
echo "Install them with:  sudo apt-get install ${missing[*]}" >&2
exit 1
