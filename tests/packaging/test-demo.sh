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

fail() { echo "not ok: $*"; exit 1; }

# The programs demo.sh runs, found in the build tree as demo.sh finds them.
find_program() {
  find "$build_dir" -path "$build_dir/packaging-stage-*" -prune -o -type f -name "$1" -perm -u+x -print \
    | head -n 1
}
for program in carelog-server carelog-syncd carelog-cli; do
  [ -n "$(find_program $program)" ] || fail "$program is not built in $build_dir"
done
cli=$(find_program carelog-cli)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/carelog-demo-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export CARELOG_DEMO_DIR=$tmp/demo CARELOG_DEMO_NO_SETUP=1 CARELOG_BUILD_DIR=$build_dir
# The demo sets up its own buses and data; nothing of the caller's leaks in.
unset DISPLAY WAYLAND_DISPLAY
export XDG_DATA_HOME=$tmp/xdg-data XDG_CONFIG_HOME=$tmp/xdg-config

echo "# first run"
bash "$source_dir/packaging/demo.sh" --no-window || fail "demo.sh --no-window failed (logs in $CARELOG_DEMO_DIR/logs)"

[ -f "$CARELOG_DEMO_DIR/co-op-created" ] || fail "the demo co-op was not created"
[ -d "$CARELOG_DEMO_DIR/server" ] || fail "no server data directory in the demo"
export CARELOG_DATA_DIR=$CARELOG_DEMO_DIR/tablet
for profile in carer supervisor; do
  [ -f "$CARELOG_DATA_DIR/profiles/$profile/carelog.db" ] || fail "no $profile profile"
done

today=$(date +%F)
# The carer's tablet has today's rota (four visits), which only the server had.
visits=$("$cli" --profile=carer today 2>&1) || fail "carelog-cli today failed: $visits"
echo "$visits"
n=$(grep -c -E 'Edith Morgan|Harold Jenkins|Margaret O.Neill|Walter Brown' <<<"$visits" || true)
[ "$n" -ge 4 ] || fail "the carer's tablet shows $n of its 4 visits for $today: sync did not bring the rota"
# Ana's day runs from morning to evening: after lunch there is still work.
n=$(grep -c -E 'George Patel|Rosa Bianchi|Tom Nakamura' <<<"$visits" || true)
[ "$n" -ge 3 ] || fail "Ana has $n afternoon and evening visits today, not 3"

# The co-ordinator's tablet received Ana's history (pushed by her tablet,
# pulled by his), with its exceptions; Ana's received the co-ordinator's query.
day() { date -d "$(cat "$CARELOG_DEMO_DIR/created-on") $1 days" +%F; }
yesterday=$("$cli" --profile=supervisor today --date="$(day -1)" --carer=m-ana 2>&1) \
  || fail "carelog-cli today on the supervisor's tablet failed: $yesterday"
echo "$yesterday"
grep -q SAFEGUARDING <<<"$yesterday" || fail "the co-ordinator's tablet does not show Ana's safeguarding concern"
grep -q missed <<<"$yesterday" || fail "the co-ordinator's tablet does not show Ana's missed visit"
grep -q "reached the co-op" <<<"$yesterday" || fail "Ana's visits are not marked as having reached the co-op"
# Yesterday's one missed visit is not buried under visits nobody recorded.
missed=$(grep -c "! missed" <<<"$yesterday" || true)
[ "$missed" -eq 1 ] || fail "Ana's yesterday shows $missed missed visits, not the one the demo tells"
before=$("$cli" --profile=carer today --date="$(day -2)" 2>&1) || fail "carelog-cli today failed: $before"
grep -q "late start" <<<"$before" || fail "Ana's late start is not flagged"
grep -q "short" <<<"$before" || fail "Ana's short visit is not flagged"
grep -q "query from the co-op" <<<"$before" || fail "the co-ordinator's query did not reach Ana's tablet"
outbox=$("$cli" --profile=carer outbox 2>&1)
grep -q "^0 record(s) waiting" <<<"$outbox" || fail "Ana's tablet still has records to send: $outbox"

admin_lines=$(wc -l <"$CARELOG_DEMO_DIR/logs/admin.log")

echo "# second run"
bash "$source_dir/packaging/demo.sh" --no-window || fail "the second demo.sh --no-window failed"
[ "$(wc -l <"$CARELOG_DEMO_DIR/logs/admin.log")" = "$admin_lines" ] \
  || fail "the second run ran administration commands again instead of reusing the demo co-op"

echo "ok: the demo co-op was set up, synced, and reused"
