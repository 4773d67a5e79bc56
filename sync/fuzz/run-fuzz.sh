#!/bin/sh
# Builds the libFuzzer target with clang (-fsanitize=fuzzer,address) and runs
# it for CARELOG_FUZZ_SECONDS (default 15). Arguments: the C sources to link
# (the fuzz target, sync/common/ and app/ library sources).
# Output is TAP. A longer run by hand:
#   CARELOG_FUZZ_SECONDS=3600 meson test -C _build fuzz-request --verbose
set -eu
build=${CARELOG_BUILD_DIR:?}
src=${CARELOG_SOURCE_DIR:?}
echo "1..1"
if ! command -v clang >/dev/null 2>&1; then
  echo "ok 1 fuzz-request # SKIP clang is not installed"
  exit 0
fi
out=$build/sync-fuzz
mkdir -p "$out/corpus"
bin=$out/fuzz-request
rebuild=0
[ -x "$bin" ] || rebuild=1
for f in "$@" "$src"/app/*.h "$src"/sync/common/*.h "$build/care-config.h"; do
  [ "$f" -nt "$bin" ] && rebuild=1
done
if [ $rebuild = 1 ]; then
  pkgs="glib-2.0 gobject-2.0 gio-2.0 json-glib-1.0 sqlite3 libsoup-3.0 nettle hogweed"
  # shellcheck disable=SC2046
  if ! clang -g -O1 -fsanitize=fuzzer,address -w -DG_LOG_USE_STRUCTURED=1 \
      -I"$build" -I"$src/app" -I"$src/sync/common" $(pkg-config --cflags $pkgs) \
      "$@" -o "$bin.tmp" $(pkg-config --libs $pkgs) -lm >"$out/build.log" 2>&1; then
    if grep -q "cannot find.*libclang_rt.fuzzer\|fuzzer.*No such file" "$out/build.log"; then
      echo "ok 1 fuzz-request # SKIP libclang-rt (libFuzzer) is not installed"
      exit 0
    fi
    # GCC builds the same sources for the real programs and catches real
    # errors there; a clang-only build problem (say a new dependency of
    # app/) must not turn the default test run red.
    sed 's/^/# /' "$out/build.log" | tail -n 20
    echo "ok 1 fuzz-request # SKIP the fuzz target did not build with clang (see $out/build.log)"
    exit 0
  fi
  mv "$bin.tmp" "$bin"
fi
cp "$src"/sync/fuzz/corpus/* "$out/corpus/"
if ASAN_OPTIONS=detect_leaks=0 "$bin" -max_total_time="${CARELOG_FUZZ_SECONDS:-15}" -rss_limit_mb=2048 \
    -max_len=65536 -timeout=10 -artifact_prefix="$out/" "$out/corpus" >"$out/run.log" 2>&1; then
  tail -n 3 "$out/run.log" | sed 's/^/# /'
  echo "ok 1 fuzz-request"
else
  tail -n 40 "$out/run.log" | sed 's/^/# /'
  echo "not ok 1 fuzz-request (see $out/run.log; the crashing input is in $out/)"
  exit 1
fi
