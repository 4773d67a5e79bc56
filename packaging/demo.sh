#!/usr/bin/env bash
# Try all of Carelog with one command: a demo co-op server on this machine,
# a carer's and a co-ordinator's tablet (two profiles, each with its own
# sync daemon), and the app.
#
#   bash packaging/demo.sh              set up (first time), start, open the app
#   bash packaging/demo.sh --no-window  set up and sync, then stop (CI, headless)
#   bash packaging/demo.sh --reset      forget the demo co-op and start afresh
#
# On a fresh Debian 12 machine it installs what is missing (apt-get, through
# sudo when not run as root) and builds into _build/. The demo lives in
# ./demo/ (ignored by git) or $CARELOG_DEMO_DIR; running again reuses it.
# Ctrl-C stops everything it started.
#
# For tests: CARELOG_DEMO_NO_SETUP=1 skips installing packages and building
# (the build in $CARELOG_BUILD_DIR, default _build/, must exist).
#
# Copyright 2026 The Carelog developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

no_window=0
reset=0
for arg in "$@"; do
  case $arg in
    --no-window) no_window=1 ;;
    --reset) reset=1 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "demo.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

demo=${CARELOG_DEMO_DIR:-$top/demo}
build=${CARELOG_BUILD_DIR:-$top/_build}
case $demo in /*) ;; *) demo=$top/$demo ;; esac
case $build in /*) ;; *) build=$top/$build ;; esac

if [ -t 1 ]; then bold=$'\e[1m' plain=$'\e[0m'; else bold= plain=; fi
say() { printf '%s==>%s %s\n' "$bold" "$plain" "$*"; }
die() { printf 'demo.sh: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- set-up --

install_missing() {
  local packages missing sudo=
  packages=$(grep -v '^#' .ci/debian-packages)
  # shellcheck disable=SC2086
  missing=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' $packages 2>/dev/null \
    | awk '$1 != "ii" {print $2}' || true)
  # shellcheck disable=SC2086
  if [ -z "$missing" ] && dpkg-query -W $packages >/dev/null 2>&1; then
    return
  fi
  say "Installing the Debian packages Carelog needs (.ci/debian-packages)"
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update
  # shellcheck disable=SC2086
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $packages
}

build_tree() {
  if [ ! -f "$build/build.ninja" ]; then
    say "Configuring the build in ${build#"$top"/}"
    meson setup "$build" "$top"
  fi
  say "Building"
  meson compile -C "$build"
}

if [ "${CARELOG_DEMO_NO_SETUP:-0}" != 1 ]; then
  install_missing
  build_tree
fi

# The programs, from the build tree.
program() {
  local name=$1 dir found
  for dir in ui app sync/server sync/daemon; do
    if [ -x "$build/$dir/$name" ]; then echo "$build/$dir/$name"; return; fi
  done
  found=$(find "$build" -path "$build/packaging-stage-*" -prune -o -type f -name "$name" -perm -u+x -print 2>/dev/null | head -n 1)
  [ -n "$found" ] || die "$name is not built in $build (run without CARELOG_DEMO_NO_SETUP, or meson compile -C $build)"
  echo "$found"
}
server_bin=$(program carelog-server)
syncd_bin=$(program carelog-syncd)
cli_bin=$(program carelog-cli)
app_bin=
if [ $no_window = 0 ]; then app_bin=$(program carelog); fi

if [ $reset = 1 ] && [ -e "$demo" ]; then
  say "Removing the old demo in $demo"
  rm -rf "$demo"
fi
mkdir -p "$demo/logs" "$demo/run"
chmod 0700 "$demo"
rm -f "$demo"/run/*

# Everything the demo's programs write stays inside the demo directory.
export CARELOG_DATA_DIR=$demo/tablet
export G_MESSAGES_DEBUG=${G_MESSAGES_DEBUG:-}
unset CARELOG_FAULT || true

# ----------------------------------------------------------- processes --

# Every long-running process is started here in its own session (setsid),
# so that Ctrl-C reaches this script only, which then stops each of them
# with SIGTERM and waits for it: servers and daemons finish cleanly.
pids=()
cleanup() {
  local status=$? i
  trap - EXIT INT TERM
  if [ ${#pids[@]} -gt 0 ]; then
    say "Stopping the demo"
    # Last started first: the apps, the daemons, the server, then the buses.
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
      kill -TERM "${pids[$i]}" 2>/dev/null || true
      wait "${pids[$i]}" 2>/dev/null || true
    done
  fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits up to $1 seconds for the command in $2... to succeed.
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ------------------------------------------------------------ the co-op --

server_dir=$demo/server
tls_dir=$demo/tls
admin() { "${clock[@]}" "$server_bin" "$@"; }

make_certificate() {
  mkdir -p "$tls_dir"
  chmod 0700 "$tls_dir"
  # A self-signed certificate for this machine's loopback address; the
  # enrolment line carries its fingerprint, so tablets trust it and nothing
  # else.
  "${clock[@]}" openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -days 825 -subj "/O=Carelog demo co-op/CN=localhost" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$tls_dir/server.key" -out "$tls_dir/server.crt" 2>"$demo/logs/openssl.log"
  chmod 0600 "$tls_dir/server.key"
}

# The co-op's time zone: this machine's ($TZ, or /etc/localtime's name),
# else UTC. Every program of the demo runs in it, so that the rota, the
# history's clock and what the tablets show agree.
co_op_timezone() {
  local zone=${TZ:-}
  zone=${zone#:}
  [ -n "$zone" ] && [ -f "/usr/share/zoneinfo/$zone" ] \
    || zone=$(readlink /etc/localtime 2>/dev/null | sed -n 's#^.*zoneinfo/##p')
  echo "${zone:-UTC}"
}
TZ=$(co_op_timezone)
export TZ

server_pid=
start_server() {
  say "Starting the co-op server on https://127.0.0.1:$port${1:+ $1}"
  setsid "${clock[@]}" "$server_bin" serve "$server_dir" --listen "127.0.0.1:$port" \
    --cert "$tls_dir/server.crt" --key "$tls_dir/server.key" \
    >>"$demo/logs/server.log" 2>&1 &
  server_pid=$!
  pids+=($!)
  wait_for 20 port_open "$port" \
    || die "the server did not start; see $demo/logs/server.log"
}

stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" || true
}

# Each tablet profile has its own session bus, as two tablets would: the
# sync daemon owns coop.carelog.Carelog.Sync on it and serves that profile.
start_bus() {
  local name=$1
  rm -f "$demo/run/$name-bus.address"
  setsid dbus-daemon --session --nofork --nopidfile --address="unix:tmpdir=${TMPDIR:-/tmp}" \
    --print-address=3 3>"$demo/run/$name-bus.address" >>"$demo/logs/bus-$name.log" 2>&1 &
  pids+=($!)
  wait_for 10 test -s "$demo/run/$name-bus.address" \
    || die "could not start a D-Bus session bus; see $demo/logs/bus-$name.log"
}

# on_bus PROFILE COMMAND...: runs COMMAND as on that profile's tablet.
on_bus() {
  local name=$1; shift
  DBUS_SESSION_BUS_ADDRESS=$(cat "$demo/run/$name-bus.address") "$@"
}

start_daemon() {
  local name=$1
  env DBUS_SESSION_BUS_ADDRESS="$(cat "$demo/run/$name-bus.address")" \
    setsid "$syncd_bin" --profile "$name" >>"$demo/logs/syncd-$name.log" 2>&1 &
  pids+=($!)
  wait_for 20 on_bus "$name" gdbus call --session --dest coop.carelog.Carelog.Sync \
    --object-path /coop/carelog/Carelog/Sync --method org.freedesktop.DBus.Peer.Ping \
    || die "the sync daemon for $name did not start; see $demo/logs/syncd-$name.log"
}

sync_property() {
  on_bus "$1" gdbus call --session --dest coop.carelog.Carelog.Sync \
      --object-path /coop/carelog/Carelog/Sync \
      --method org.freedesktop.DBus.Properties.Get coop.carelog.Carelog.Sync "$2" \
    | sed -E "s/^\(<(int64 )?'?([^'>]*)'?>,\)$/\2/"
}

synced() {
  [ "$(sync_property "$1" RecordsPending)" = 0 ] && [ "$(sync_property "$1" LastSync)" != 0 ]
}

# set_clock WHEN: the programs run after this (through "${clock[@]}") see
# the clock start at WHEN (a date(1) string), through libfaketime; set_clock
# with no argument: the real clock again. The demo's history is recorded as
# it would have been, on the day, so its times agree with its clock stamps.
clock=()
libfaketime=
set_clock() {
  if [ $# = 0 ]; then clock=(); return; fi
  if [ -z "$libfaketime" ]; then
    libfaketime=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -n 1)
    [ -n "$libfaketime" ] || die "libfaketime is missing (apt-get install faketime)"
  fi
  # env execs the program (the faketime wrapper would stay its parent and
  # not pass signals on).
  clock=(env "LD_PRELOAD=$libfaketime" "FAKETIME=@$(date -d "$1" '+%Y-%m-%d %H:%M:%S')")
}

# The app's settings schema (the daemon reads it too) and icon.
mkdir -p "$demo/share/glib-2.0/schemas" "$demo/share/icons/hicolor/scalable/apps"
cp "$top/packaging/coop.carelog.Carelog.gschema.xml" "$demo/share/glib-2.0/schemas/"
glib-compile-schemas "$demo/share/glib-2.0/schemas"
cp "$top/packaging/icons/coop.carelog.Carelog.svg" "$demo/share/icons/hicolor/scalable/apps/"
export GSETTINGS_SCHEMA_DIR=$demo/share/glib-2.0/schemas
export XDG_DATA_DIRS=$demo/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}
# Settings (window size, last profile) are kept with the demo; the device
# keys in a file only the user can read (there is no keyring on the demo's
# buses).
export XDG_CONFIG_HOME=$demo/config
export CARELOG_KEY_STORE=file

for profile in carer supervisor; do
  start_bus "$profile"
done

# shellcheck source=packaging/demo-coop.sh
. "$top/packaging/demo-coop.sh"

# The co-op was set up three days ago at 07:00, the tablets enrolled then,
# and the carer has worked since: all of it is made with the clock set to
# when it happened (see set_clock).
if [ ! -f "$demo/co-op-created" ]; then
  if [ -e "$server_dir" ] || [ -e "$CARELOG_DATA_DIR" ]; then
    # A set-up that stopped half-way: start it again.
    rm -rf "$server_dir" "$tls_dir" "$CARELOG_DATA_DIR" "$demo/port" "$demo/logs/admin.log" \
      "$demo/ids" "$demo/reviewed"
  fi
  say "Creating the demo co-op in $demo"
  date +%F >"$demo/created-on"
  free_port >"$demo/port"
  port=$(cat "$demo/port")
  setup_time="$(date +%F) -3 days 07:00"
  set_clock "$setup_time -1 day"
  make_certificate
  set_clock "$setup_time"
  create_co_op
  start_server "(as it was three days ago, to record what happened since)"
  enrol_tablets
  stop_server
  create_history
  set_clock
  touch "$demo/co-op-created"
fi
port=$(cat "$demo/port")
if port_open "$port"; then
  die "port $port is in use: is another demo.sh running? (stop it, or use --reset)"
fi
start_server

# -------------------------------------------------------------- daemons --

for profile in carer supervisor; do
  start_daemon "$profile"
done
# sync_now PROFILE: a sync round on that tablet, and wait until it is done.
sync_now() {
  local before
  before=$(sync_property "$1" LastSync)
  on_bus "$1" gdbus call --session --dest coop.carelog.Carelog.Sync \
    --object-path /coop/carelog/Carelog/Sync --method coop.carelog.Carelog.Sync.SyncNow >/dev/null
  wait_for 60 synced_since "$1" "$before" \
    || die "the $1 tablet did not sync: $(sync_property "$1" LastError); see $demo/logs/syncd-$1.log"
}

synced_since() {
  [ "$(sync_property "$1" RecordsPending)" = 0 ] && [ "$(sync_property "$1" LastSync)" -gt "$2" ]
}

say "Syncing the tablets with the co-op"
# The carer's tablet first (its history), then the co-ordinator's.
sync_now carer
sync_now supervisor
if [ ! -f "$demo/reviewed" ]; then
  review_history
  sync_now supervisor
  sync_now carer
  touch "$demo/reviewed"
fi

say "The demo co-op is ready: $(sync_summary)"
cat <<EOF
    Ana's tablet from a terminal (carelog-cli help for more):
      CARELOG_DATA_DIR=$demo/tablet $cli_bin --profile=carer today
    The co-ordinator's view of Ana's day before the demo was made:
      CARELOG_DATA_DIR=$demo/tablet $cli_bin --profile=supervisor today --date=$(demo_day -1) --carer=m-ana
    Logs: $demo/logs/
EOF
if [ $no_window = 1 ]; then
  exit 0
fi

# ------------------------------------------------------------------ app --

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  die "no display: run it in a graphical session, or use --no-window"
fi

say "Opening Carelog: the carer's tablet and the co-ordinator's (close both windows or press Ctrl-C to stop)"
app_pids=()
for profile in carer supervisor; do
  env DBUS_SESSION_BUS_ADDRESS="$(cat "$demo/run/$profile-bus.address")" \
    setsid "$app_bin" --profile "$profile" >>"$demo/logs/app-$profile.log" 2>&1 &
  pids+=($!)
  app_pids+=($!)
done
wait "${app_pids[@]}" || true
