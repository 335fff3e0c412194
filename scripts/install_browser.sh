#!/usr/bin/env bash
# Debian's Chromium for the browser tests (tests/browser): installed with apt-get only when it
# is missing. Playwright drives it directly (executable_path); `playwright install` is never
# run, since it downloads a browser of its own.
set -euo pipefail
CHROMIUM=${PRESSGRAPH_CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] && exit 0
command -v apt-get >/dev/null || {
    echo "install_browser: $CHROMIUM is missing and there is no apt-get; install Chromium" \
         "and set PRESSGRAPH_CHROMIUM to its path" >&2
    exit 1
}
SUDO=()
[ "$(id -u)" -eq 0 ] || SUDO=(sudo)
"${SUDO[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq \
    chromium >/dev/null
[ -x "$CHROMIUM" ] || { echo "install_browser: apt-get left no $CHROMIUM" >&2; exit 1; }
echo "installed $("$CHROMIUM" --version 2>/dev/null | head -1)"
