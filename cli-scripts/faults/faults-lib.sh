#!/usr/bin/env bash
# Helpers shared by the fault scripts in cli-scripts/faults: bring a challenge
# up for the run (and down again after), a bounded background load that
# records every request, and the counts read from that record.
# Source it after lib.sh and verify-lib.sh; it defines functions and variables
# and runs nothing.

FAULTS_BROUGHT_UP=''   # the challenge number when this run started it
FAULTS_WORK=''         # scratch directory of this run (removed on exit)
FAULTS_JOBS=()         # background loads started by this run
FAULTS_STARTED=$SECONDS

# Runs the challenge's up.sh unless all the named containers run:
# `faults_ensure_up 2 desafio2-sqlite`. Then it is taken down again on exit.
faults_ensure_up() {
  local challenge=$1 name; shift
  FAULTS_WORK=$(mktemp -d)
  for name in "$@"; do
    if ! running "$name"; then
      say "Challenge $challenge is not running: bringing it up (and down again on exit)"
      FAULTS_BROUGHT_UP=$challenge
      "$CLI_DIR/desafio$challenge/up.sh"
      return
    fi
  done
  note "challenge $challenge is already running; it is left running on exit"
}

# The EXIT trap: stops this run's loads, calls faults_restore when the script
# defines it, takes down what faults_ensure_up brought up, removes the scratch.
faults_finish() {
  local rc=$? pid
  for pid in "${FAULTS_JOBS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if declare -F faults_restore >/dev/null; then faults_restore || rc=1; fi
  if [[ -n $FAULTS_BROUGHT_UP ]]; then "$CLI_DIR/desafio$FAULTS_BROUGHT_UP/down.sh" || rc=1; fi
  [[ -z $FAULTS_WORK ]] || rm -rf "$FAULTS_WORK"
  note "run time: $((SECONDS - FAULTS_STARTED)) s"
  exit "$rc"
}

# One request after another, about 20 a second at most, until the file STOP
# exists or LIMIT seconds pass; one line per request into OUT:
# "<start, epoch s> <curl exit> <http status> <seconds> <request id>" (each
# request sends its own X-Request-Id, so that a service's log can tell
# whether it read that request).
# `faults_load OUT STOP LIMIT URL [curl options...]` (run it in the background).
faults_load() {
  local out=$1 stop=$2 limit=$3 url=$4; shift 4
  local end=$((SECONDS + limit)) start outcome code id n=0
  while [[ ! -e $stop ]] && ((SECONDS < end)); do
    start=$EPOCHREALTIME
    id=load-$BASHPID-$((n++))
    outcome=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --connect-timeout 3 --max-time 15 \
      -H "X-Request-Id: $id" "$@" "$url") && code=0 || code=$?
    printf '%s %s %s %s\n' "$start" "$code" "$outcome" "$id" >>"$out"
    sleep 0.05
  done
}

# Starts WORKERS loads in the background into OUT.1 ... OUT.N:
# `faults_start_load OUT WORKERS LIMIT URL [curl options...]`.
faults_start_load() {
  local out=$1 workers=$2 i; shift 2
  rm -f "$out".*
  for ((i = 1; i <= workers; i++)); do
    faults_load "$out.$i" "$out.stop" "$@" &
    FAULTS_JOBS+=($!)
  done
}

# Stops the loads writing OUT.* and waits for them; prints the merged record.
faults_stop_load() {
  local out=$1 pid
  touch "$out.stop"
  for pid in "${FAULTS_JOBS[@]}"; do wait "$pid" 2>/dev/null || true; done
  FAULTS_JOBS=()
  cat "$out".[0-9]* | sort -n >"$out"
  rm -f "$out".[0-9]* "$out.stop"
}

# Counts in a merged record: `faults_count OUT 'awk condition'` (fields:
# $1 start, $2 curl exit, $3 status, $4 seconds, $5 request id).
faults_count() { awk "$2 { n++ } END { print n + 0 }" "$1"; }
faults_max_seconds() { awk '$4 > m { m = $4 } END { printf "%.2f\n", m }' "$1"; }
# The start of the first request matching a condition at or after a time.
faults_first_after() { awk -v t="$2" "\$1 >= t && $3 { print \$1; exit }" "$1"; }

# True when a is less than b (decimals): `faults_lt 1.2 3`.
faults_lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# Seconds between two epoch times, two decimals.
faults_elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", b - a }'; }
