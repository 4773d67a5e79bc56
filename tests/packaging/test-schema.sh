#!/usr/bin/env bash
# The GSettings keys the app and the daemon read exist, with their types and
# defaults (ui/care-application.c, sync/daemon/care-sync-service.c and
# care-syncd.c look them up by these names).
#
#   test-schema.sh SCHEMA_XML
#
# Copyright 2026 The Carelog developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
tmp=$(mktemp -d "${TMPDIR:-/tmp}/carelog-schema.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp "$1" "$tmp/"
glib-compile-schemas --strict --targetdir="$tmp" "$tmp"
export GSETTINGS_SCHEMA_DIR=$tmp GSETTINGS_BACKEND=memory
failed=0
# key type default
while read -r key type default; do
  range=$(gsettings range coop.carelog.Carelog "$key" 2>&1) || { echo "not ok: no key $key: $range"; failed=1; continue; }
  [ "$range" = "type $type" ] || { echo "not ok: $key is '$range', not type $type"; failed=1; }
  value=$(gsettings get coop.carelog.Carelog "$key")
  [ "$value" = "$default" ] || { echo "not ok: $key defaults to $value, not $default"; failed=1; }
done <<'KEYS'
last-profile s ''
window-width i 800
window-height i 1000
window-maximized b false
sync-on-metered b false
KEYS
[ $failed = 0 ] && echo "ok: the schema has the keys the app and the daemon read"
exit $failed
