#!/usr/bin/env bash
# The app and server unit tests again, built with the address and
# undefined-behaviour sanitisers (tests/run.sh runs this after the main suite).
# Only the targets these tests need are built, to keep CI within minutes.
# A sanitiser report fails the test: ASan aborts, UBSan halts on the first
# error (signed overflow in clock arithmetic, for one, is undefined).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${CARELOG_SANITIZE_BUILD_DIR:-$PWD/_build-sanitize}
tests=(test-event test-store test-derive test-protocol test-rules test-authz test-authz-property test-log test-json)
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" . -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
else
  # meson compile looks targets up before it regenerates: new tests need this.
  meson setup --reconfigure "$build" . >/dev/null
fi
meson compile -C "$build" "${tests[@]}" sync/server/carelog-server:executable
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
exec meson test -C "$build" --no-rebuild --print-errorlogs --timeout-multiplier 3 "${tests[@]}"
