#!/usr/bin/env bash
# The server unit's ExecStart, with the settings file's variables, is a
# command line the real carelog-server accepts: run it (on loopback, with a
# certificate made here), check that enrolment lines then carry the public
# address from the settings, and that SIGTERM (what systemctl stop sends)
# stops it cleanly.
#
#   test-server-unit.sh SYSTEM_UNIT
#
# Copyright 2026 The Carelog developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
unit=$1
build_dir=${CARELOG_BUILD_DIR:?}
server=$(find "$build_dir" -path "$build_dir/packaging-stage-*" -prune -o -type f -name carelog-server -perm -u+x -print | head -n 1)
fail() { echo "not ok: $*"; exit 1; }
[ -n "$server" ] || fail "carelog-server is not built in $build_dir"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/carelog-server-unit.XXXXXX")
pid=
trap '[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
  -subj "/CN=localhost" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$tmp/server.key" -out "$tmp/server.crt" 2>/dev/null
"$server" init "$tmp/data" >/dev/null
"$server" member add "$tmp/data" m-test --name Test --role carer >/dev/null

# What systemd would run: ExecStart with ${VAR} from the settings file (here
# with test values), the program from the build tree.
export CARELOG_LISTEN=127.0.0.1:0 CARELOG_PUBLIC_URL=https://care.example.test:8443
export CARELOG_TLS_CERT=$tmp/server.crt CARELOG_TLS_KEY=$tmp/server.key CARELOG_DATA_DIR=$tmp/data
# $VAR without braces is split into words by systemd (and empty is none).
export CARELOG_SERVE_OPTIONS="--idle-timeout 90 --max-connections-per-address 512"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ -n "$exec_start" ] || fail "no ExecStart in $unit"
mapfile -t argv < <(/usr/bin/python3 - "$exec_start" <<'PY'
import os, re, sys
line = re.sub(r'\$\{([A-Z_][A-Z0-9_]*)\}', lambda m: os.environ[m.group(1)], sys.argv[1])
line = re.sub(r'\$([A-Z_][A-Z0-9_]*)', lambda m: os.environ.get(m.group(1), ''), line)
for word in line.split():
    print(word)
PY
)
[ "$(basename "${argv[0]}")" = carelog-server ] || fail "ExecStart runs ${argv[0]}, not carelog-server"
argv[0]=$server
echo "# ${argv[*]}"

"${argv[@]}" >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 200); do
  grep -q "listening on" "$tmp/out" && break
  kill -0 "$pid" 2>/dev/null || fail "the server refused the unit's command line: $(cat "$tmp/out")"
  sleep 0.05
done
grep -q "listening on" "$tmp/out" || fail "the server did not start: $(cat "$tmp/out")"

line=$("$server" device enrol "$tmp/data" m-test 2>&1 | grep -o 'carelog:1:[^[:space:]]*') \
  || fail "no enrolment line from a server started by the unit's command line"
case $line in
  carelog:1:https://care.example.test:8443:*:sha256/*) ;;
  *) fail "the enrolment line does not carry CARELOG_PUBLIC_URL and the pin: $line" ;;
esac

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=
[ $status = 0 ] || fail "the server did not stop cleanly on SIGTERM (status $status): $(cat "$tmp/out")"
echo "ok: the unit's command line starts carelog-server, which stops cleanly on SIGTERM"
