# The demo co-op's people, clients, rota and history. Sourced by
# packaging/demo.sh, which provides: admin (carelog-server with the demo's
# clock), clock, set_clock, cli_bin, demo, server_dir, say, die, on_bus.
#
# Copyright 2026 The Carelog developers
# SPDX-License-Identifier: GPL-3.0-or-later

# ------------------------------------------------------------------ data --

# id|name|role
demo_members=(
  "m-amara|Amara Okafor|administrator"
  "m-sam|Sam Rivera|supervisor"
  "m-ana|Ana Silva|carer"
  "m-ben|Ben Carter|carer"
  "m-chloe|Chloé Dubois|carer"
)

# id|name|address|tasks (id:label[:essential], separated by ";")
demo_clients=(
  "c-edith|Edith Morgan|14 Mill Lane, Ashford|meds:Prompt morning medication:essential;shower:Help with shower;breakfast:Prepare breakfast"
  "c-harold|Harold Jenkins|3 Station Road, Ashford|meds:Prompt medication:essential;sugar:Check blood sugar:essential;lunch:Prepare lunch"
  "c-margaret|Margaret O'Neill|27 Church Street, Ashford|dress:Help getting up and dressed:essential;breakfast:Prepare breakfast;kitchen:Tidy the kitchen"
  "c-walter|Walter Brown|9 Orchard Close, Kennington|fluids:Check fluid intake:essential;cream:Apply cream to legs;lunch:Prepare lunch"
  "c-rosa|Rosa Bianchi|Flat 2, 41 High Street, Ashford|meds:Prompt evening medication:essential;supper:Help with supper;bed:Help to bed"
  "c-george|George Patel|6 Willow Court, Kennington|shower:Help with shower;shopping:Write the shopping list;walk:Walk to the park"
  "c-irene|Irene Walsh|18 Park View, Willesborough|turn:Reposition in bed:essential;skin:Check skin for pressure sores:essential;drink:Prepare a hot drink"
  "c-tom|Tom Nakamura|2 Quarry Row, Willesborough|meds:Prompt medication:essential;dinner:Prepare dinner"
)

# Each carer's day: client@HH:MM/minutes/service.
demo_rota=(
  "m-ana|c-edith@08:00/45/Personal care" "m-ana|c-harold@09:15/30/Medication and meals"
  "m-ana|c-margaret@10:30/30/Personal care" "m-ana|c-walter@12:30/45/Meals and wellbeing"
  "m-ana|c-george@15:00/45/Personal care" "m-ana|c-rosa@17:30/30/Evening care"
  "m-ana|c-tom@19:30/30/Medication and meals"
  "m-ben|c-george@08:30/45/Personal care" "m-ben|c-irene@10:00/30/Personal care"
  "m-ben|c-walter@17:00/30/Meals and wellbeing" "m-ben|c-rosa@18:30/45/Evening care"
  "m-chloe|c-tom@09:00/30/Medication and meals" "m-chloe|c-irene@13:00/30/Personal care"
  "m-chloe|c-harold@16:30/30/Medication and meals" "m-chloe|c-rosa@20:00/30/Evening care"
)
demo_days=(-3 -2 -1 0 1 2 3)

# --------------------------------------------------------------- set-up --

# The demo's day N (0 = the day it was created), as YYYY-MM-DD.
demo_day() {
  date -d "$(cat "$demo/created-on") $1 days" +%F
}

create_co_op() {
  local entry id name role address tasks task args carer client time minutes service day
  local -A assigned=()
  {
    admin init "$server_dir" --timezone "$(co_op_timezone)"
    for entry in "${demo_members[@]}"; do
      IFS='|' read -r id name role <<<"$entry"
      admin member add "$server_dir" "$id" --name "$name" --role "$role"
    done
    for entry in "${demo_clients[@]}"; do
      IFS='|' read -r id name address tasks <<<"$entry"
      args=()
      IFS=';' read -ra tasks <<<"$tasks"
      for task in "${tasks[@]}"; do args+=(--task "$task"); done
      admin client add "$server_dir" "$id" --name "$name" --address "$address" "${args[@]}"
    done
    # Who visits whom follows the rota, and the rota is a CSV file for the
    # week around today: three days back, today, three days ahead.
    echo "schedule,client,carer,start,minutes,service" >"$demo/rota.csv"
    for entry in "${demo_rota[@]}"; do
      carer=${entry%%|*} entry=${entry#*|}
      client=${entry%%@*} entry=${entry#*@}
      IFS=/ read -r time minutes service <<<"$entry"
      if [ -z "${assigned[$client/$carer]:-}" ]; then
        admin assign "$server_dir" "$client" "$carer"
        assigned[$client/$carer]=1
      fi
      for day in "${demo_days[@]}"; do
        # Only Ana's tablet records in the demo: Ben's and Chloé's rota
        # starts with their next visit, so that their past days do not
        # bury Ana's week under visits nobody recorded ("missed").
        if [ "$carer" != m-ana ] \
          && [ "$(date -d "$(demo_day "$day") $time $minutes minutes" +%s)" -lt "$(date +%s)" ]; then
          continue
        fi
        echo "s-$(demo_day "$day" | tr -d -)-${time/:/}-$carer,$client,$carer,$(demo_day "$day")T$time:00,$minutes,$service"
      done >>"$demo/rota.csv"
    done
    admin rota import "$server_dir" "$demo/rota.csv"
  } >>"$demo/logs/admin.log" 2>&1 || die "could not create the demo co-op; see $demo/logs/admin.log"
}

enrol_tablets() {
  local profile member line
  say "Enrolling a carer's tablet (Ana Silva) and a co-ordinator's (Sam Rivera)"
  for profile in carer supervisor; do
    case $profile in carer) member=m-ana ;; supervisor) member=m-sam ;; esac
    admin device enrol "$server_dir" "$member" >"$demo/logs/enrol-$profile.txt" 2>&1 \
      || die "could not enrol $member: $(cat "$demo/logs/enrol-$profile.txt")"
    cat "$demo/logs/enrol-$profile.txt" >>"$demo/logs/admin.log"
    line=$(grep -m1 -o 'carelog:1:[^[:space:]]*' "$demo/logs/enrol-$profile.txt") \
      || die "no enrolment line in $demo/logs/enrol-$profile.txt"
    # What a co-ordinator types on the tablet; then the first sync, which
    # brings this member's share of the co-op's records.
    {
      on_bus "$profile" "${clock[@]}" "$cli_bin" --profile="$profile" enrol "$line" \
        --device-name="$profile tablet (demo)" \
      && on_bus "$profile" "${clock[@]}" "$cli_bin" --profile="$profile" sync
    } >>"$demo/logs/syncd-$profile.log" 2>&1 \
      || die "the $profile tablet could not enrol and sync; see $demo/logs/syncd-$profile.log"
  done
}

# ------------------------------------------------------------- history --

# carer_at DAY HH:MM COMMAND...: carelog-cli on Ana's tablet, on the demo's
# day DAY at HH:MM; prints the id a command creates.
carer_at() {
  local day=$1 time=$2; shift 2
  set_clock "$(demo_day "$day") $time"
  "${clock[@]}" "$cli_bin" --profile=carer "$@" | awk 'END { print $NF }'
}

# visit DAY START END CLIENT SCHEDULE-TIME [task answers...]: a whole visit.
# Answers: TASK (done) or TASK!REASON (not done).
visit() {
  local day=$1 start=$2 end=$3 client=$4 planned=$5 answer id; shift 5
  id=$(carer_at "$day" "$start" check-in "$client" \
         --schedule="s-$(demo_day "$day" | tr -d -)-${planned/:/}-m-ana")
  for answer in "$@"; do
    if [[ $answer == *'!'* ]]; then
      carer_at "$day" "$start" task "$id" "${answer%%!*}" not-done --reason="${answer#*!}" >/dev/null
    else
      carer_at "$day" "$start" task "$id" "$answer" done >/dev/null
    fi
  done
  [ "$end" = - ] || carer_at "$day" "$end" check-out "$id" >/dev/null
  echo "$id"
}

create_history() {
  local v
  say "Recording three days of Ana's visits, with their exceptions"
  mkdir -p "$demo/ids"
  {
    # Three days ago: all as planned, but the first check-out was tapped late.
    v=$(visit -3 08:02 08:47 c-edith 08:00 meds shower breakfast)
    carer_at -3 09:20 amend-visit "$v" check-out 08:45 \
      --reason="Tapped check-out when I reached the car; I left at 08:45." >/dev/null
    v=$(visit -3 09:16 09:46 c-harold 09:15 meds sugar lunch)
    carer_at -3 09:47 note "$v" nutrition "Harold ate all his lunch and asked for more soup next time." >/dev/null
    visit -3 10:31 11:02 c-margaret 10:30 dress breakfast kitchen >"$demo/ids/approved-visit"
    visit -3 12:29 13:15 c-walter 12:30 fluids cream lunch >/dev/null

    # Two days ago: a late start (the bus broke down) and a short visit.
    visit -2 08:01 08:46 c-edith 08:00 meds shower breakfast >/dev/null
    v=$(visit -2 09:52 10:24 c-harold 09:15 meds sugar "lunch!Already eaten: a neighbour brought food")
    carer_at -2 10:25 note "$v" incident "Bus broke down; arrived 37 minutes late. Harold had waited for his tablets; no harm." >/dev/null
    visit -2 10:35 11:05 c-margaret 10:30 dress breakfast kitchen >/dev/null
    v=$(visit -2 12:31 12:44 c-walter 12:30 fluids "cream!Walter asked me to leave it today" "lunch!Walter's son was cooking")
    echo "$v" >"$demo/ids/short-visit"
    carer_at -2 12:45 note "$v" wellbeing "Walter's son is visiting and they were going out; Walter asked for a short visit." >/dev/null

    # Yesterday: a safeguarding concern, and Margaret's visit was missed.
    v=$(visit -1 08:00 08:50 c-edith 08:00 meds shower breakfast)
    echo "$v" >"$demo/ids/safeguarding-visit"
    carer_at -1 08:51 note "$v" safeguarding "Large bruise on Edith's left forearm. She would not say how it happened and seemed frightened when her nephew's name came up." >/dev/null
    carer_at -1 08:52 note "$v" medication "Morning tablets taken with water, watched." >/dev/null
    visit -1 09:15 09:45 c-harold 09:15 meds sugar lunch >/dev/null
    # 10:30 Margaret O'Neill: no visit (missed).
    visit -1 12:30 13:15 c-walter 12:30 fluids cream lunch >/dev/null

    # Each afternoon and evening went as planned.
    planned_visits -3 13:30
    planned_visits -2 13:30
    planned_visits -1 13:30

    # Today: the visits that are over by now went as planned.
    planned_visits 0 00:00
  } 2>>"$demo/logs/history.log" || die "could not record the demo history; see $demo/logs/history.log"
  set_clock
}

# planned_visits DAY FROM: Ana's visits on the demo's day DAY planned at
# FROM (HH:MM) or later whose planned end (plus ten minutes) has passed,
# recorded as planned with every task done.
planned_visits() {
  local day=$1 from=$2 entry carer client time minutes service end tasks task answers
  for entry in "${demo_rota[@]}"; do
    carer=${entry%%|*} entry=${entry#*|}
    [ "$carer" = m-ana ] || continue
    client=${entry%%@*} entry=${entry#*@}
    IFS=/ read -r time minutes service <<<"$entry"
    [[ ! $time < $from ]] || continue
    end=$(date -d "$(demo_day "$day") $time $minutes minutes" +%H:%M)
    [ "$(date -d "$(demo_day "$day") $end 10 minutes" +%s)" -lt "$(date +%s)" ] || continue
    answers=()
    tasks=$(printf '%s\n' "${demo_clients[@]}" | grep "^$client|" | cut -d'|' -f4)
    IFS=';' read -ra tasks <<<"$tasks"
    for task in "${tasks[@]}"; do answers+=("${task%%:*}"); done
    visit "$day" "$time" "$end" "$client" "$time" "${answers[@]}" >/dev/null
  done
}

# The co-ordinator reads the synced history: approves a visit, queries the
# short one (the query reaches Ana's tablet), flags the safeguarding concern.
review_history() {
  local approved short safeguarding
  say "Sam (co-ordinator) reviews Ana's visits"
  approved=$(cat "$demo/ids/approved-visit") short=$(cat "$demo/ids/short-visit")
  safeguarding=$(cat "$demo/ids/safeguarding-visit")
  {
    on_bus supervisor "$cli_bin" --profile=supervisor review "$approved" approve \
    && on_bus supervisor "$cli_bin" --profile=supervisor review "$short" query \
      --message="Walter's visit was 13 minutes of 45: was it agreed with the family? Please add a note." \
    && on_bus supervisor "$cli_bin" --profile=supervisor review "$safeguarding" flag \
      --message="Safeguarding lead informed; I will call Edith's daughter today."
  } >>"$demo/logs/history.log" 2>&1 || die "the co-ordinator's review failed; see $demo/logs/history.log"
}

sync_summary() {
  echo "server https://127.0.0.1:$(cat "$demo/port"), everything in $demo"
}
