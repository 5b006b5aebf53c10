#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs, then runs ruff and pytest.
# This is the README's test command; .ci/run runs it word for word.
set -euo pipefail
cd "$(dirname "$0")/.."

# The browser test drives Debian's Chromium (never a downloaded browser) and needs a Japanese font,
# or chart labels render as empty boxes.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Emoji marks (✅ on met KPIs) show as boxes in screenshots without a colour emoji font.
{ command -v fc-list >/dev/null && fc-list | grep -qi "Noto Color Emoji"; } || missing+=(fonts-noto-color-emoji)
{ command -v fc-list >/dev/null && fc-list | grep -qi "Noto Sans CJK"; } || missing+=(fonts-noto-cjk)
# The workspace tests run on a real PostgreSQL too (tests/conftest.py starts its own cluster from these binaries).
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" fontconfig
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[test]"
.venv/bin/python -m ruff check .
.venv/bin/python -m pytest "$@"
