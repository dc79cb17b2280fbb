#!/usr/bin/env bash
# Fault: clients that do not read their answers, against desafio2-sqlite with
# its real memory limit. 100 notes of 10 000 line separators (U+2028, six
# bytes each once escaped in JSON) are stored; 64 clients then fetch the
# largest page of them (GET /notes?limit=100), half never reading it and
# half reading 5 KiB a second, for 15 s (faults/slow-readers.py). Proves:
# each page stays within the byte bound; the service is done with every
# answer within the response time bound (sun.net.httpserver.maxRspTime,
# 10 s: the longest "ms" of its log lines), and every reader's connection
# ends, whole or cut; the health check and a normal GET answer within 2 s
# throughout, a normal POST is stored after, and the container never
# restarts or runs out of memory. Prints the readers' outcomes, the longest
# answer held and the container's peak memory.
# Brings the challenge up when it is not running (and down again on exit);
# removes the notes it wrote.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../verify-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../verify-lib.sh"
# shellcheck source=faults-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/faults-lib.sh"

URL="http://$BIND_ADDRESS:$D2_PORT"
READERS=64 HOLD_SECONDS=15
PAGE=/notes?limit=100
NOTE_IDS=()

# One hundred notes of 10 000 U+2028, on one connection; their ids into NOTE_IDS.
store_largest_notes() {
  local config=$FAULTS_WORK/notes.curl i
  printf '{"title":"slow readers","body":"%s"}' "$(printf '%.0s\xe2\x80\xa8' {1..10000})" >"$FAULTS_WORK/note.json"
  : >"$config"
  for ((i = 0; i < 100; i++)); do
    ((i == 0)) || echo next >>"$config"
    printf 'url = "%s/notes"\nheader = "Content-Type: application/json"\ndata-binary = "@%s"\nsilent\noutput = "/dev/null"\nwrite-out = "%%{http_code} %%header{location}\\n"\n' \
      "$URL" "$FAULTS_WORK/note.json" >>"$config"
  done
  mapfile -t NOTE_IDS < <(curl --max-time 120 --config "$config" | awk '$1 == 201 { sub(/.*\//, "", $2); print $2 }' | tr -d '\r')
  note "${#NOTE_IDS[@]} notes of 10 000 U+2028 stored"
  ((${#NOTE_IDS[@]} == 100))
}

# The largest page: within MAX_PAGE_BYTES (256 KiB by default) plus its envelope, with a nextOffset.
page_bounded() {
  http GET "$URL$PAGE"
  local bytes
  bytes=$(printf '%s' "$HTTP_BODY" | wc -c)
  note "GET $PAGE: $HTTP_STATUS, $bytes bytes, $(grep -o '"id":' <<<"$HTTP_BODY" | wc -l) notes, next offset $(json_number "$HTTP_BODY" nextOffset)"
  status_is 200 && ((bytes <= 262144 + 128)) && body_has '"nextOffset":'
}

# Normal requests, one after another, while the readers run; "status seconds path" into $1.
normal_requests() {
  local out=$1 path
  while [[ ! -e $out.stop ]]; do
    for path in /health "/notes/${NOTE_IDS[0]}" "/notes?limit=5"; do
      curl -s -o /dev/null -w "%{http_code} %{time_total} $path\n" --max-time 10 "$URL$path" >>"$out" || true
    done
    sleep 0.2
  done
}

# Peak memory of the container's cgroup (v1 and v2), in MiB.
peak_mib() {
  docker exec desafio2-sqlite sh -c 'cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes 2>/dev/null ||
    cat /sys/fs/cgroup/memory.peak' | awk '{ printf "%d", $1 / 1048576 }'
}

readers_held_within_bound() {
  local out=$FAULTS_WORK/readers since held
  since=$(date -u +%Y-%m-%dT%H:%M:%S)
  show python3 "$CLI_DIR/faults/slow-readers.py" "$READERS" "$BIND_ADDRESS" "$D2_PORT" "$PAGE" "$HOLD_SECONDS"
  normal_requests "$FAULTS_WORK/normal" &
  FAULTS_JOBS+=($!)
  python3 "$CLI_DIR/faults/slow-readers.py" "$READERS" "$BIND_ADDRESS" "$D2_PORT" "$PAGE" "$HOLD_SECONDS" >"$out"
  touch "$FAULTS_WORK/normal.stop"
  wait "${FAULTS_JOBS[@]}"
  FAULTS_JOBS=()
  while read -r line; do note "$line"; done <"$out"
  held=$(docker logs --since "$since" desafio2-sqlite 2>/dev/null | grep '"path":"/notes","status":200' |
    grep -o '"ms":[0-9]*' | cut -d: -f2 | sort -n | tail -n 1)
  note "the longest the service held a page answer: ${held:-?} ms (log line of the request)"
  ! grep -q ' open' "$out" && [[ -n $held ]] && ((held <= 11000))
}

normal_within_2s() {
  local normal=$FAULTS_WORK/normal
  note "normal requests meanwhile: $(wc -l <"$normal"), $(awk '$1 != 200' "$normal" | wc -l) not 200, slowest $(sort -k2 -n "$normal" | tail -n 1)"
  [[ -z $(awk '$1 != 200 || $2 >= 2' "$normal") ]]
}

stores_a_post() {
  post_json "$URL/notes" '{"title":"after the slow readers","body":"ok"}'
  status_is 201 || return 1
  NOTE_IDS+=("$(json_number "$HTTP_BODY" id)")
  http GET "$URL/notes/${NOTE_IDS[-1]}"
  status_is 200
}

faults_restore() {
  local id
  for id in "${NOTE_IDS[@]}"; do curl -s -o /dev/null --max-time 5 -X DELETE "$URL/notes/$id" || true; done
}

main() {
  local before
  trap faults_finish EXIT
  say "Fault, challenge 2: $READERS clients that read the largest page slowly or never"
  faults_ensure_up 2 desafio2-sqlite
  before=$(harm_state desafio2-sqlite)
  check "100 notes of 10 000 U+2028 stored" store_largest_notes
  check "the largest page stays within its byte bound and names the next" page_bounded
  check "every reader's answer is done (whole or cut) within the response time bound" readers_held_within_bound
  check "the health check and normal GETs answered 200 within 2 s throughout" normal_within_2s
  check "a normal POST is stored after" stores_a_post
  note "desafio2-sqlite: peak memory $(peak_mib) MiB of $(($(docker inspect -f '{{.HostConfig.Memory}}' desafio2-sqlite) / 1048576)) MiB;" \
    "restarts, OOM-killed, running before = $before, after = $(harm_state desafio2-sqlite)"
  check "desafio2-sqlite never restarted and never ran out of memory" test "$(harm_state desafio2-sqlite)" = "$before"
  checks_done "Fault, challenge 2 (slow readers)"
}

main "$@"
