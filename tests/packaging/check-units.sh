#!/usr/bin/env bash
# Checks the systemd units and the server's settings file offline:
# systemd-analyze verify (syntax, directives known to this systemd, the
# dependencies they name) and the settings file gives every value the
# server's ExecStart line uses.
#
#   check-units.sh USER_UNIT SYSTEM_UNIT SERVER_CONF [DBUS_SERVICE]
#
# Copyright 2026 The Carelog developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
user_unit=$1 system_unit=$2 conf=$3 dbus_service=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# The programs are not installed here: point ExecStart at one that is, and
# the settings file at the source copy. Everything else is verified as is.
for unit in "$user_unit" "$system_unit"; do
  sed -e 's#^ExecStart=[^ ]*#ExecStart=/bin/true#' \
      -e "s#^EnvironmentFile=.*#EnvironmentFile=$conf#" \
      "$unit" >"$tmp/$(basename "$unit")"
done

verify() {
  local out
  if ! out=$(env ${XDG_RUNTIME_DIR:+XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR} systemd-analyze "$@" 2>&1) || [ -n "$out" ]; then
    # Only complaints about our own units count; the host's own unit files
    # (a container has odd ones) are not ours to fix.
    out=$(printf '%s\n' "$out" | grep -E 'carelog-|Unknown|Failed|Invalid|unknown|invalid' \
      | grep -v -E '^/(usr/)?lib/systemd/|^/etc/systemd/' || true)
    if [ -n "$out" ]; then
      echo "not ok: systemd-analyze $*:"
      printf '%s\n' "$out"
      failed=1
    fi
  fi
}

verify --man=no verify "$tmp/$(basename "$system_unit")"
XDG_RUNTIME_DIR=$tmp verify --man=no --user verify "$tmp/$(basename "$user_unit")"

# systemd's own exposure score for the server (0 = locked down, 10 = none);
# it is about 1.7 now: fail if a change makes it worse than 2.5.
if systemd-analyze security --help 2>/dev/null | grep -q -- --offline; then
  if ! out=$(systemd-analyze security --offline=true --threshold=25 "$tmp/$(basename "$system_unit")" 2>&1); then
    echo "not ok: the server unit's exposure is above 2.5:"
    printf '%s\n' "$out" | grep -E '✗|Overall'
    failed=1
  fi
fi

grep -q '^Type=dbus$' "$user_unit" || { echo "not ok: the daemon's user unit must be Type=dbus"; failed=1; }
grep -q '^BusName=coop.carelog.Carelog.Sync$' "$user_unit" || { echo "not ok: the daemon's user unit must name its BusName"; failed=1; }
for directive in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes \
                 StateDirectory=carelog RestrictAddressFamilies= User=carelog; do
  grep -q "^$directive" "$system_unit" || { echo "not ok: the server unit lacks $directive"; failed=1; }
done

# Every ${VAR} in ExecStart comes from the settings file, which has no
# shell syntax systemd would not understand.
while IFS= read -r line; do
  case $line in ''|'#'*) continue ;; esac
  if ! [[ $line =~ ^[A-Z_][A-Z0-9_]*=[^\ \"\']*$ ]]; then
    echo "not ok: $conf: '$line' is not NAME=value"; failed=1
  fi
done <"$conf"
for var in $(grep '^ExecStart=' "$system_unit" | grep -o '\${[A-Z_]*}' | tr -d '${}'); do
  grep -q "^$var=" "$conf" || { echo "not ok: $conf does not set $var, which ExecStart uses"; failed=1; }
done

# D-Bus activation hands over to the user unit: the same program, and the
# unit the activation file names is this one.
if [ -n "$dbus_service" ]; then
  systemd_service=$(sed -n 's/^SystemdService=//p' "$dbus_service")
  if [ -n "$systemd_service" ] && [ "$systemd_service" != "$(basename "$user_unit")" ]; then
    echo "not ok: the D-Bus activation file names $systemd_service, the unit is $(basename "$user_unit")"; failed=1
  fi
  if [ "$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$dbus_service")" != "$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$user_unit")" ]; then
    echo "not ok: the D-Bus activation file and the user unit run different programs"; failed=1
  fi
fi

[ $failed = 0 ] && echo "ok: systemd units and server settings"
exit $failed
