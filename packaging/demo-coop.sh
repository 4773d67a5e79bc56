# The demo co-op's people, clients, rota and history. Sourced by
# packaging/demo.sh, which provides: admin (carelog-server on the demo's data
# directory), cli_bin, server_bin, demo, port, tls_dir, say, die, on_bus,
# sync_property.
#
# Copyright 2026 The Carelog developers
# SPDX-License-Identifier: GPL-3.0-or-later

# ------------------------------------------------------------------ data --

# name|role
demo_members=(
  "Amara Okafor|administrator"
  "Sam Rivera|supervisor"
  "Ana Silva|carer"
  "Ben Carter|carer"
  "Chloé Dubois|carer"
)

# name|address|tasks (label, "!" in front = essential, separated by ";")
demo_clients=(
  "Edith Morgan|14 Mill Lane, Ashford|!Prompt morning medication;Help with shower;Prepare breakfast"
  "Harold Jenkins|3 Station Road, Ashford|!Prompt medication;!Check blood sugar;Prepare lunch"
  "Margaret O'Neill|27 Church Street, Ashford|!Help getting up and dressed;Prepare breakfast;Tidy the kitchen"
  "Walter Brown|9 Orchard Close, Kennington|!Check fluid intake;Apply cream to legs;Prepare lunch"
  "Rosa Bianchi|Flat 2, 41 High Street, Ashford|!Prompt evening medication;Help with supper;Help to bed"
  "George Patel|6 Willow Court, Kennington|Help with shower;Write the shopping list;Walk to the park"
  "Irene Walsh|18 Park View, Willesborough|!Reposition in bed;!Check skin for pressure sores;Prepare a hot drink"
  "Tom Nakamura|2 Quarry Row, Willesborough|!Prompt medication;Prepare dinner"
)

# Each carer's day: client number (1-based, as above)@HH:MM/minutes.
demo_rota_ana=("1@08:00/45" "2@10:00/30" "3@12:30/30" "4@17:30/45")
demo_rota_ben=("6@08:30/45" "7@10:30/30" "4@13:00/30" "5@18:00/45")
demo_rota_chloe=("8@09:00/30" "7@11:00/30" "1@13:30/30" "5@19:00/30")

# ------------------------------------------------------ server commands --
# Everything the demo asks of carelog-server goes through these few
# functions (syntax: README.md, "Co-op server").

declare -A member_id client_id

srv_init() {
  admin init --name "Carelog demo co-op" --timezone "$(co_op_timezone)" >>"$demo/logs/admin.log"
}

# srv_member_add NAME ROLE -> prints the member id
srv_member_add() {
  admin member add --name "$1" --role "$2" | tee -a "$demo/logs/admin.log" | awk 'END {print $NF}'
}

# srv_client_add NAME ADDRESS TASKS -> prints the client id
srv_client_add() {
  local args=() task
  IFS=';' read -ra tasks <<<"$3"
  for task in "${tasks[@]}"; do
    if [ "${task:0:1}" = '!' ]; then args+=(--essential-task "${task:1}"); else args+=(--task "$task"); fi
  done
  admin client add --name "$1" --address "$2" "${args[@]}" | tee -a "$demo/logs/admin.log" | awk 'END {print $NF}'
}

srv_assign() {
  admin assign "$1" "$2" >>"$demo/logs/admin.log"
}

srv_rota_import() {
  admin rota import "$1" >>"$demo/logs/admin.log"
}

# srv_enrol MEMBER -> prints the enrolment line
srv_enrol() {
  admin device enrol "$1" --url "https://127.0.0.1:$port" --cert "$tls_dir/server.crt" \
    | tee -a "$demo/logs/admin.log" | grep -m1 -o 'carelog:1:[^[:space:]]*'
}

# --------------------------------------------------------------- set-up --

create_co_op() {
  local entry name role address tasks i carer day slot client time minutes start
  srv_init
  for entry in "${demo_members[@]}"; do
    IFS='|' read -r name role <<<"$entry"
    member_id[$name]=$(srv_member_add "$name" "$role")
  done
  i=0
  for entry in "${demo_clients[@]}"; do
    i=$((i + 1))
    IFS='|' read -r name address tasks <<<"$entry"
    client_id[$i]=$(srv_client_add "$name" "$address" "$tasks")
  done
  declare -p member_id client_id >"$demo/ids.sh"

  # Assignments follow the rota; the rota is a CSV file for the week
  # around today (three days back, today, three days ahead).
  local csv=$demo/rota.csv
  echo "client,carer,start,minutes,service" >"$csv"
  for carer in ana ben chloe; do
    local -n rota=demo_rota_$carer
    local carer_name
    case $carer in ana) carer_name="Ana Silva" ;; ben) carer_name="Ben Carter" ;; chloe) carer_name="Chloé Dubois" ;; esac
    declare -A assigned=()
    for slot in "${rota[@]}"; do
      client=${slot%%@*}
      if [ -z "${assigned[$client]:-}" ]; then
        srv_assign "${client_id[$client]}" "${member_id[$carer_name]}"
        assigned[$client]=1
      fi
    done
    unset assigned
    for day in -3 -2 -1 0 1 2 3; do
      for slot in "${rota[@]}"; do
        client=${slot%%@*} time=${slot#*@} minutes=${time#*/} time=${time%/*}
        start=$(date -d "$(date +%F) $day days $time" +%Y-%m-%dT%H:%M:%S%z)
        echo "${client_id[$client]},${member_id[$carer_name]},$start,$minutes,home care" >>"$csv"
      done
    done
    unset -n rota
  done
  srv_rota_import "$csv"
}

enrol_tablets() {
  # shellcheck disable=SC1091
  . "$demo/ids.sh"
  local profile member line
  say "Enrolling a carer's tablet (Ana Silva) and a co-ordinator's (Sam Rivera)"
  for profile in carer supervisor; do
    case $profile in carer) member="Ana Silva" ;; supervisor) member="Sam Rivera" ;; esac
    line=$(srv_enrol "${member_id[$member]}") || die "could not enrol $member; see $demo/logs/admin.log"
    # What a co-ordinator types on the tablet, or: carelog-cli enrol LINE.
    on_bus "$profile" "${clock[@]}" "$syncd_bin" --profile "$profile" --enrol "$line" \
      --device-name "$member's tablet (demo)" >>"$demo/logs/syncd-$profile.log" 2>&1 \
      || die "the $profile tablet could not enrol; see $demo/logs/syncd-$profile.log"
    # The first sync: the co-op's records for this member.
    on_bus "$profile" "${clock[@]}" "$syncd_bin" --profile "$profile" --once \
      >>"$demo/logs/syncd-$profile.log" 2>&1 \
      || die "the $profile tablet could not sync; see $demo/logs/syncd-$profile.log"
  done
}

# ------------------------------------------------------------- history --

# Runs carelog-cli on the carer's profile as if it were TIME (a date(1)
# string): the demo's history is made as it would have been, on the day.
cli_at() {
  local when=$1; shift
  FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "@$(date -d "$when" '+%Y-%m-%d %H:%M:%S')" \
    "$cli_bin" "$@"
}

create_history() {
  say "Recording three days of history on Ana's tablet"
  :
}

sync_summary() {
  echo "server https://127.0.0.1:$port, data in ${demo}"
}
