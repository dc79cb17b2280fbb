#!/usr/bin/env bash
# The raw requests of limits.sh, sourced by it after lib.sh, verify-lib.sh and
# faults-lib.sh (functions only; it runs nothing): a request written byte for
# byte, sent through bash's /dev/tcp, and what came back; and the checks built
# on them: a small refusal, the huge request line and a burst of it, HEAD
# like GET.

# Writes a raw GET of TARGET with N header lines of SIZE bytes each (CRLF
# included) into FILE: `limits_request FILE METHOD TARGET N SIZE`.
limits_request() {
  local file=$1 method=$2 target=$3 count=$4 size=$5 i pad
  pad=$(head -c "$((size > 12 ? size - 12 : 1))" /dev/zero | tr '\0' v)
  {
    printf '%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n' "$method" "$target" "$BIND_ADDRESS"
    for ((i = 0; i < count; i++)); do printf 'X-%05d: %s\r\n' "$i" "$pad"; done
    printf '\r\n'
  } >"$file"
}

# Sends FILE raw and sets RAW_STATUS (000: closed without an answer),
# RAW_BYTES (the whole answer) and RAW_BODY_BYTES (after the head).
limits_send() {
  local answer=$FAULTS_WORK/answer.$BASHPID head
  : >"$answer"
  (
    exec 3<>"/dev/tcp/$BIND_ADDRESS/$PORT" || exit 0
    cat "$1" >&3 2>/dev/null || true
    timeout 10 head -c 1048576 <&3 >"$answer" 2>/dev/null || true
  ) 2>/dev/null
  RAW_BYTES=$(wc -c <"$answer")
  RAW_STATUS=$(head -n 1 "$answer" | cut -d' ' -f2 | tr -dc 0-9)
  RAW_STATUS=${RAW_STATUS:-000}
  head=$(LC_ALL=C awk '{ n += length($0) + 1 } $0 == "\r" { print n; exit }' "$answer")
  RAW_BODY_BYTES=$((head ? RAW_BYTES - head : 0))
  rm -f "$answer"
}

# A raw request with an expected small problem: `limits_refused STATUS METHOD TARGET N SIZE`.
limits_refused() {
  local status=$1; shift
  limits_request "$FAULTS_WORK/req" "$@"
  limits_send "$FAULTS_WORK/req"
  note "$(wc -c <"$FAULTS_WORK/req") bytes sent: $RAW_STATUS, answer $RAW_BYTES bytes"
  [[ $RAW_STATUS == "$status" ]] && ((RAW_BYTES < SMALL))
}

# The huge request line: a small answer or a closed connection.
limits_huge_line() {
  limits_send "$FAULTS_WORK/huge"
  note "a ${HUGE_LINE}-byte request line: $RAW_STATUS, answer $RAW_BYTES bytes"
  ((RAW_BYTES < SMALL))
}

# BURST huge request lines, AT_ONCE in parallel; the size of each answer
# goes into the file sizes (kept to a few processes per request).
limits_burst() {
  local i
  for ((i = 0; i < BURST; i++)); do
    (
      exec 3<>"/dev/tcp/$BIND_ADDRESS/$PORT" || exit 0
      cat "$FAULTS_WORK/huge" >&3 2>/dev/null || true
      timeout 10 head -c 1048576 <&3 2>/dev/null | wc -c >>"$FAULTS_WORK/sizes"
    ) 2>/dev/null &
    (((i + 1) % AT_ONCE == 0)) && wait
  done
  wait
}

# Every answer of the burst was small (or none).
limits_burst_small() {
  local largest
  largest=$(sort -n "$FAULTS_WORK/sizes" | tail -n 1)
  note "$(wc -l <"$FAULTS_WORK/sizes") answers read; the largest $largest bytes"
  (($(wc -l <"$FAULTS_WORK/sizes") == BURST && ${largest:-0} < SMALL))
}

# HEAD on a GET route: the GET's status, no body bytes.
limits_head_like_get() {
  http GET "$BASE$1"
  local get=$HTTP_STATUS
  limits_request "$FAULTS_WORK/head" HEAD "$1" 0 0
  limits_send "$FAULTS_WORK/head"
  note "GET $1: $get; HEAD $1: $RAW_STATUS with $RAW_BODY_BYTES body bytes"
  [[ $RAW_STATUS == "$get" ]] && ((RAW_BODY_BYTES == 0))
}
