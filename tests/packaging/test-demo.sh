#!/usr/bin/env bash
# The first README command's set-up part, headless: packaging/demo.sh
# --no-window with a temporary demo directory and the already built tree
# (no apt-get, no build). Then: the demo co-op exists, the carer's tablet
# received its visits through sync, the co-ordinator's tablet received the
# carer's history; and a second run reuses the demo instead of recreating it.
#
# Copyright 2026 The Carelog developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
source_dir=${CARELOG_SOURCE_DIR:?}
build_dir=${CARELOG_BUILD_DIR:?}

for program in sync/server/carelog-server sync/daemon/carelog-syncd app/carelog-cli; do
  if [ ! -x "$build_dir/$program" ]; then
    echo "SKIP: $program is not built yet (its component has not landed)"
    exit 77
  fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/carelog-demo-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export CARELOG_DEMO_DIR=$tmp/demo CARELOG_DEMO_NO_SETUP=1 CARELOG_BUILD_DIR=$build_dir
# The demo sets up its own buses and data; nothing of the caller's leaks in.
unset DISPLAY WAYLAND_DISPLAY
export XDG_DATA_HOME=$tmp/xdg-data XDG_CONFIG_HOME=$tmp/xdg-config

fail() { echo "not ok: $*"; exit 1; }

echo "# first run"
bash "$source_dir/packaging/demo.sh" --no-window || fail "demo.sh --no-window failed (logs in $CARELOG_DEMO_DIR/logs)"

[ -f "$CARELOG_DEMO_DIR/co-op-created" ] || fail "the demo co-op was not created"
[ -d "$CARELOG_DEMO_DIR/server" ] || fail "no server data directory in the demo"
export CARELOG_DATA_DIR=$CARELOG_DEMO_DIR/tablet
for profile in carer supervisor; do
  [ -f "$CARELOG_DATA_DIR/profiles/$profile/carelog.db" ] || fail "no $profile profile"
done

cli=$build_dir/app/carelog-cli
today=$(date +%F)
# The carer's tablet has today's rota (four visits), which only the server had.
visits=$("$cli" --profile=carer today 2>&1) || fail "carelog-cli today failed: $visits"
echo "$visits"
n=$(grep -c -E 'Edith Morgan|Harold Jenkins|Margaret O.Neill|Walter Brown' <<<"$visits" || true)
[ "$n" -ge 4 ] || fail "the carer's tablet shows $n of its 4 visits for $today: sync did not bring the rota"

admin_lines=$(wc -l <"$CARELOG_DEMO_DIR/logs/admin.log")

echo "# second run"
bash "$source_dir/packaging/demo.sh" --no-window || fail "the second demo.sh --no-window failed"
[ "$(wc -l <"$CARELOG_DEMO_DIR/logs/admin.log")" = "$admin_lines" ] \
  || fail "the second run ran administration commands again instead of reusing the demo co-op"

echo "ok: the demo co-op was set up, synced, and reused"
