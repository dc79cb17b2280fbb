#!/usr/bin/env bash
# Reads against writes, the first part of faults/desafio3.sh (which sources
# it; this file defines functions and runs nothing). accesses is topped up to
# READS_ROWS rows (default a million) with one SQL insert in the database
# container; then the same load of GET / (8 hey clients, READS_SECONDS) runs
# alone, then beside 56 hey clients reading /visits, in two rounds, while
# /health is polled throughout and /visits sampled for the gap between its two
# counts. Proves: every GET / beside the readers is a 2xx, their p99 (the mean
# of the rounds) within READS_P99_SLACK_MS of the load alone, /health always 200, and in every
# answer visits >= accesses (the rows are read first, the counter once it counts
# them). Leaves the rows in the volume.

READS_ROWS=${READS_ROWS:-1000000}
READS_SECONDS=${READS_SECONDS:-6}
READS_ROUNDS=2
READERS=56 WRITERS=8
READS_P99_SLACK_MS=100

# Tops accesses up to READS_ROWS rows in one statement. The database's triggers
# count them in the same transaction; the API's next write counts them in Redis
# (the rows above its mark), so the counter and the rows still agree.
reads_fill_rows() {
  local rows started
  rows=$(db_sql desafio3-db 'SELECT total FROM access_count') || die "no kept row count in desafio3-db"
  if ((rows >= READS_ROWS)); then note "accesses holds $rows rows already"; return 0; fi
  started=$SECONDS
  dkq exec desafio3-db psql -U app -d app -qc "INSERT INTO accesses (path, client, user_agent, request_id)
    SELECT '/', '127.0.0.1', 'faults', 'bulk-' || n FROM generate_series(1, $((READS_ROWS - rows))) AS n"
  note "accesses: $rows -> $(db_sql desafio3-db 'SELECT total FROM access_count') rows in $((SECONDS - started)) s" \
    "(count(*) agrees: $(db_sql desafio3-db 'SELECT count(*) FROM accesses'))"
}

# hey's summary as "p99_ms 2xx other_status transport_errors".
reads_summary() {
  awk '/Status code distribution/ { s = 1; next } /Error distribution/ { s = 2; next }
    / 99% in/ { p = $3 * 1000 }
    s == 1 && /\[[0-9]+\]/ { if ($1 ~ /^\[2/) ok += $2; else bad += $2 }
    s == 2 && /\[[0-9]+\]/ { gsub(/[][]/, "", $1); err += $1 }
    END { printf "%.1f %d %d %d\n", p, ok, bad, err }'
}

# Every 0.2 s until STOP exists: the status of GET /health into OUT.
reads_poll_health() {
  local out=$1 stop=$2
  while [[ ! -e $stop ]]; do
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 3 "$URL/health" >>"$out" || true
    sleep 0.2
  done
}

# Until STOP exists: "visits - accesses" of each /visits answer into OUT.
reads_sample_gap() {
  local out=$1 stop=$2 body
  while [[ ! -e $stop ]]; do
    body=$(curl -s --max-time 5 "$URL/visits") || continue
    [[ $body == *'"accesses":'* ]] || continue
    echo $(($(json_number "$body" visits) - $(json_number "$body" accesses))) >>"$out"
    sleep 0.05
  done
}

# One round: GET / alone, then beside the readers; appends hey's summaries to
# WORK/alone, WORK/beside and WORK/readers.
reads_round() {
  local work=$1 pid_readers
  hey -z "${READS_SECONDS}s" -c "$WRITERS" "$URL/" | reads_summary >>"$work/alone"
  # The readers' load generator shares the machine's two cores with the API and
  # its stores: at the lowest CPU priority it keeps its 56 requests in flight
  # (as many reads reach the API) without its own work delaying the writers'.
  nice -n 19 hey -z "$((READS_SECONDS + 3))s" -c "$READERS" "$URL/visits" >"$work/readers.out" & pid_readers=$!
  FAULTS_JOBS+=("$pid_readers")
  # The readers run alone for 2 s first, so that the writers meet them at full
  # load: a length of the load, not a wait for a state.
  sleep 2
  hey -z "${READS_SECONDS}s" -c "$WRITERS" "$URL/" | reads_summary >>"$work/beside"
  wait "$pid_readers" || true
  reads_summary <"$work/readers.out" >>"$work/readers"
}

# The mean p99 and the summed counts of the rounds in a file of summaries.
reads_total() { awk '{ p += $1; ok += $2; bad += $3; err += $4 } END { printf "%.1f %d %d %d\n", p / NR, ok, bad, err }' "$1"; }

reads_against_writes() {
  local work=$FAULTS_WORK/reads alone beside readers health gap_min gap_max pid_health pid_gap round
  mkdir -p "$work"
  say "Reads against writes: $READERS clients reading /visits beside $WRITERS calling GET /, on $READS_ROWS rows"
  reads_fill_rows
  note "warming up: GET / and /visits for 8 s"
  hey -z 5s -c "$WRITERS" "$URL/" >/dev/null
  hey -z 3s -c "$READERS" "$URL/visits" >/dev/null
  reads_poll_health "$work/health" "$work/stop" & pid_health=$!
  reads_sample_gap "$work/gap" "$work/stop" & pid_gap=$!
  FAULTS_JOBS+=("$pid_health" "$pid_gap")
  # Alone and beside the readers in turn, twice: a burst of other work on the
  # machine then weighs on both sides alike.
  for ((round = 1; round <= READS_ROUNDS; round++)); do
    note "round $round of $READS_ROUNDS: \$ hey -z ${READS_SECONDS}s -c $WRITERS $URL/ alone, then beside" \
      "\$ nice -n 19 hey -z $((READS_SECONDS + 3))s -c $READERS $URL/visits"
    reads_round "$work"
  done
  touch "$work/stop"
  wait "$pid_health" "$pid_gap" || true
  FAULTS_JOBS=()
  alone=$(reads_total "$work/alone") beside=$(reads_total "$work/beside") readers=$(reads_total "$work/readers")
  health=$(awk '$1 == 200 { up++ } END { printf "%d %d\n", up, NR - up }' "$work/health")
  gap_min=$(sort -n "$work/gap" | head -n 1) gap_max=$(sort -n "$work/gap" | tail -n 1)
  gap_min=${gap_min:--1} gap_max=${gap_max:--1}
  printf '\n    %-36s %8s %8s %8s %8s\n' "load (p99: mean of $READS_ROUNDS rounds)" 'p99 ms' 2xx other errors
  printf '    %-36s %8s %8s %8s %8s\n' "GET /, $WRITERS clients alone" $alone
  printf '    %-36s %8s %8s %8s %8s\n' "GET /, $WRITERS clients beside readers" $beside
  printf '    %-36s %8s %8s %8s %8s\n\n' "GET /visits, $READERS clients" $readers
  note "p99 of GET / by round, alone: $(cut -d' ' -f1 "$work/alone" | paste -sd' '); beside: $(cut -d' ' -f1 "$work/beside" | paste -sd' ')"
  note "/health: ${health% *} x 200, ${health#* } other; visits - accesses over $(wc -l <"$work/gap") answers: $gap_min to $gap_max"
  local p99_alone=${alone%% *} p99_beside=${beside%% *} rest=${beside#* }
  check "every GET / beside the readers answered 2xx (${rest%% *} 2xx, other status and errors: ${rest#* })" \
    test "${rest#* }" = "0 0"
  check "p99 of GET / beside the readers within $READS_P99_SLACK_MS ms of the load alone ($p99_beside <= $p99_alone + $READS_P99_SLACK_MS)" \
    awk -v a="$p99_beside" -v b="$p99_alone" -v s="$READS_P99_SLACK_MS" 'BEGIN { exit !(a <= b + s) }'
  check "/health answered 200 every time it was polled (${health% *} polls)" test "${health#* }" = 0
  check "the readers were served (${readers#* } : 2xx, other, errors)" test "$(cut -d' ' -f2 <<<"$readers")" -gt 0
  check "no /visits answer shows fewer visits than accesses (visits - accesses: $gap_min to $gap_max)" \
    eval '((gap_min >= 0))'
}
