#!/usr/bin/env bash
# Builds Carelog and runs the whole test suite (not the benchmarks) under a
# private D-Bus session and a headless X display. Installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
missing=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' $(grep -v '^#' .ci/debian-packages) 2>/dev/null \
  | awk '$1 != "ii" {print $2}' || true)
if [ -n "$missing" ] || ! dpkg-query -W $(grep -v '^#' .ci/debian-packages) >/dev/null 2>&1; then
  sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(grep -v '^#' .ci/debian-packages)
fi
build=${CARELOG_BUILD_DIR:-$top/_build}
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$top"
fi
meson compile -C "$build"
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x1280x24" \
  meson test -C "$build" --print-errorlogs --no-rebuild "$@"
# The whole run also builds the app and server unit tests with the address
# and undefined-behaviour sanitisers and runs them (a second, smaller build);
# a run of chosen tests (arguments given) skips it.
if [ $# -eq 0 ] && [ "${CARELOG_SANITIZE:-1}" != 0 ]; then
  bash "$top/tests/sanitize.sh"
fi
