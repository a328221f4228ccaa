#!/usr/bin/env bash
# Creates .venv (if missing) and installs the hub with its test tools into it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# The certified OpenID Connect provider the tests start on loopback (tests/oidc/), pinned by
# its package-lock.json. Without Node.js those tests skip and say so.
if command -v npm >/dev/null 2>&1; then
  lock=tests/oidc/node_modules/.installed-$(sha256sum tests/oidc/package-lock.json | cut -c1-16)
  if [ ! -f "$lock" ]; then
    if (cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
      touch "$lock"
    else
      echo "setup: npm ci in tests/oidc failed; the OpenID Connect tests will skip" >&2
    fi
  fi
fi

# The audit report's Chinese font (embedded in every PDF report: hub/audit/fonts.py) and
# poppler, with which the tests render the report's pages to check that glyphs are drawn.
# Debian packages, installed only when missing.
debs=()
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || debs+=(fonts-wqy-zenhei)
command -v pdftoppm >/dev/null 2>&1 || debs+=(poppler-utils)
if [ ${#debs[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
    echo "setup: cannot install ${debs[*]} (needs apt-get as root): PDF reports fail, their page tests skip" >&2
  elif ! { apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${debs[@]}" ||
           { apt-get update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${debs[@]}"; }; } >/dev/null 2>&1; then
    echo "setup: apt-get could not install ${debs[*]}: PDF reports fail, their page tests skip" >&2
  fi
fi

# --- browser tests (tests/browser/): Debian's chromium, driven by the `playwright` package of
# the dev extra (never `playwright install`), and axe-core pinned by tests/browser's lock.
# Without them the browser tests skip and say why.
if [ ! -x /usr/bin/chromium ]; then
  echo "setup: /usr/bin/chromium is missing; installing Debian's chromium" >&2
  sudo_=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then sudo_="sudo"; fi
  if ! { $sudo_ apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends chromium \
         >/dev/null 2>&1 \
       || { $sudo_ apt-get update >/dev/null 2>&1 \
            && $sudo_ apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
                 chromium >/dev/null 2>&1; }; }; then
    echo "setup: apt-get could not install chromium; the browser tests will skip" >&2
  fi
fi
if command -v npm >/dev/null 2>&1; then
  lock=tests/browser/node_modules/.installed-$(sha256sum tests/browser/package-lock.json | cut -c1-16)
  if [ ! -f "$lock" ]; then
    if (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
      touch "$lock"
    else
      echo "setup: npm ci in tests/browser failed; the browser tests will skip" >&2
    fi
  fi
fi
