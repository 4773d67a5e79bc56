#!/usr/bin/env bash
# The D-Bus activation file that packaging/ installs really starts the sync
# daemon: a private session bus whose service directory holds that file
# (with Exec pointing into the build tree instead of the prefix) activates
# carelog-syncd on the first call to coop.carelog.Carelog.Sync, and the
# daemon answers as the name the file declares.
#
#   test-activation.sh SERVICE_FILE
#
# Copyright 2026 The Carelog developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
service_file=$1
build_dir=${CARELOG_BUILD_DIR:?}
syncd=$(find "$build_dir" -path "$build_dir/packaging-stage-*" -prune -o -type f -name carelog-syncd -perm -u+x -print | head -n 1)
name=coop.carelog.Carelog.Sync

fail() { echo "not ok: $*"; exit 1; }
[ -n "$syncd" ] || fail "carelog-syncd is not built in $build_dir"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/carelog-activation.XXXXXX")
bus_pid= daemon_pid=
cleanup() {
  if [ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null; then
    # Let it finish (and its parent on the bus's side reap it) before the
    # bus goes.
    for _ in $(seq 100); do
      [ -d "/proc/$daemon_pid" ] || break
      sleep 0.05
    done
  fi
  [ -z "$bus_pid" ] || { kill -TERM "$bus_pid" 2>/dev/null; wait "$bus_pid" 2>/dev/null; } || true
  rm -rf "$tmp"
}
trap cleanup EXIT

[ "$(basename "$service_file")" = "$name.service" ] || fail "the activation file is not named $name.service"
grep -q "^Name=$name$" "$service_file" || fail "the activation file does not declare Name=$name"
mkdir -p "$tmp/services" "$tmp/data"
exec_path=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$service_file")
[ "$(basename "$exec_path")" = carelog-syncd ] || fail "the activation file runs $exec_path, not carelog-syncd"
sed "s#^Exec=$exec_path#Exec=$syncd#" "$service_file" >"$tmp/services/$name.service"

cat >"$tmp/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=$tmp</listen>
  <servicedir>$tmp/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF

# The activated daemon inherits the bus's environment: a profile of its own
# in the temporary directory, its key (if any) in a file.
CARELOG_DATA_DIR=$tmp/data CARELOG_KEY_STORE=file GSETTINGS_BACKEND=memory \
  dbus-daemon --config-file="$tmp/bus.conf" --nofork --print-address=3 \
  3>"$tmp/address" 2>"$tmp/bus.log" &
bus_pid=$!
for _ in $(seq 100); do [ -s "$tmp/address" ] && break; sleep 0.1; done
[ -s "$tmp/address" ] || fail "the private bus did not start: $(cat "$tmp/bus.log")"
export DBUS_SESSION_BUS_ADDRESS=$(cat "$tmp/address")

# Nobody owns the name yet; the first call activates the daemon.
if gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
     --method org.freedesktop.DBus.GetNameOwner "$name" >/dev/null 2>&1; then
  fail "$name is owned before anything activated it"
fi
state=$(gdbus call --session --dest "$name" --object-path /coop/carelog/Carelog/Sync \
          --method org.freedesktop.DBus.Properties.Get "$name" State 2>&1) \
  || fail "activating $name failed: $state ($(cat "$tmp/bus.log"))"
echo "State of the activated daemon: $state"
case $state in *not-enrolled*) ;; *) fail "a fresh profile should be not-enrolled, the daemon says $state" ;; esac

daemon_pid=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
               --method org.freedesktop.DBus.GetConnectionUnixProcessID "$name" | sed -n 's/.*uint32 \([0-9]*\).*/\1/p')
[ -n "$daemon_pid" ] || fail "no process owns $name"
[ "$(readlink "/proc/$daemon_pid/exe")" = "$(readlink -f "$syncd")" ] \
  || fail "$name is owned by $(readlink "/proc/$daemon_pid/exe"), not carelog-syncd"

echo "ok: the D-Bus activation file starts carelog-syncd as $name"
