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
exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x1280x24" \
  meson test -C "$build" --print-errorlogs --no-rebuild "$@"
