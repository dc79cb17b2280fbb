#!/usr/bin/env bash
# HTTP for the checks: one call with curl, bounded in time, and what its
# answer holds (status, headers, flat JSON fields); bodies a service must
# refuse, and several answers compared. Sourced by verify-lib.sh (source that
# file); it defines functions and a variable and runs nothing.

# One HTTP call with curl, bounded in time; sets HTTP_STATUS, HTTP_SECONDS,
# HTTP_BODY and HTTP_HEADERS: `http GET http://127.0.0.1:8081/ [curl options...]`.
# HTTP_OPTIONS are curl options for every call (a CA to trust, say).
HTTP_OPTIONS=()
http() {
  local method=$1 url=$2; shift 2
  local body_file headers_file outcome
  body_file=$(mktemp) headers_file=$(mktemp)
  outcome=$(curl -s -X "$method" -o "$body_file" -D "$headers_file" -w '%{http_code} %{time_total}' \
    --connect-timeout 3 --max-time 10 "${HTTP_OPTIONS[@]}" "$@" "$url") || true
  read -r HTTP_STATUS HTTP_SECONDS <<<"${outcome:-000 10}"
  HTTP_BODY=$(<"$body_file") HTTP_HEADERS=$(<"$headers_file")
  rm -f "$body_file" "$headers_file"
}

# Flat JSON field readers, enough for the services' own answers.
json_number() { grep -o "\"$2\":[0-9-]*" <<<"$1" | head -n 1 | cut -d: -f2; }
json_string() { grep -o "\"$2\":\"[^\"]*\"" <<<"$1" | head -n 1 | cut -d'"' -f4; }

# POSTs a JSON document: `post_json URL '{"a":1}' [curl options...]`.
post_json() {
  local url=$1 json=$2; shift 2
  http POST "$url" -H 'Content-Type: application/json' --data-binary "$json" "$@"
}

# Predicates for check.
status_is() { [[ $HTTP_STATUS == "$1" ]]; }
body_has() { [[ $HTTP_BODY == *"$1"* ]]; }
header_has() { grep -qi "^$1" <<<"$HTTP_HEADERS"; }
# The value of a response header of the last `http` call (the first, if several).
header_value() { grep -i "^$1:" <<<"$HTTP_HEADERS" | head -n 1 | cut -d: -f2- | tr -d '\r' | xargs; }
is_problem() { [[ $HTTP_STATUS == "$1" ]] && header_has 'content-type: application/problem+json'; }

# A problem with a status matching the regex, answered within a second:
# `problem_within_a_second GET URL '50[23]'`.
problem_within_a_second() {
  http "$1" "$2"
  note "$1 $2: $HTTP_STATUS in $HTTP_SECONDS s"
  [[ $HTTP_STATUS =~ ^($3)$ ]] && header_has 'content-type: application/problem+json' &&
    awk -v s="$HTTP_SECONDS" 'BEGIN { exit !(s < 1.0) }'
}

# GETs the URL N times and prints which replicas answered (X-Served-By); true
# when at least two did: `served_by_several URL N`.
served_by_several() {
  local url=$1 n=$2 i seen=''
  for ((i = 0; i < n; i++)); do
    http GET "$url"
    status_is 200 || return 1
    seen+=$(grep -i '^x-served-by:' <<<"$HTTP_HEADERS" | tr -d '\r' | awk '{print $2}')$'\n'
  done
  seen=$(grep . <<<"$seen" | sort)
  note "$n answers came from: $(uniq -c <<<"$seen" | awk '{printf "%s (%s) ", $2, $1}')"
  [[ $(uniq <<<"$seen" | grep -c .) -ge 2 ]]
}

# A JSON body the service cannot read is a 415 problem naming what it cannot
# read: a content coding other than identity (on a plain body, a real gzip
# body, one in a list), answered with Accept-Encoding: identity, and a charset
# other than utf-8 (a UTF-16 body, a quoted ISO-8859-1); two Content-Type
# lines are a 400 (one checked, the other read). Extra curl options go
# on every request: `unreadable_bodies_refused URL '{"a":1}' [curl options...]`.
unreadable_bodies_refused() {
  local url=$1 json=$2 file coding outcome=0; shift 2
  file=$(mktemp)
  for coding in gzip 'identity, br' DEFLATE; do
    post_json "$url" "$json" -H "Content-Encoding: $coding" "$@"
    is_problem 415 && header_has 'accept-encoding: identity' && body_has "'${coding##*, }'" ||
      { note "Content-Encoding: $coding -> $HTTP_STATUS $HTTP_BODY"; outcome=1; }
  done
  printf '%s' "$json" | gzip -c >"$file"
  http POST "$url" -H 'Content-Type: application/json' -H 'Content-Encoding: gzip' --data-binary "@$file" "$@"
  is_problem 415 && header_has 'accept-encoding: identity' || { note "a gzip body -> $HTTP_STATUS"; outcome=1; }
  printf '%s' "$json" | iconv -f UTF-8 -t UTF-16 >"$file"
  http POST "$url" -H 'Content-Type: application/json; charset=utf-16' --data-binary "@$file" "$@"
  is_problem 415 && body_has "'utf-16'" || { note "charset=utf-16 -> $HTTP_STATUS $HTTP_BODY"; outcome=1; }
  http POST "$url" -H 'Content-Type: application/json;charset="ISO-8859-1"' --data-binary "$json" "$@"
  is_problem 415 && body_has "'ISO-8859-1'" || { note "charset=\"ISO-8859-1\" -> $HTTP_STATUS $HTTP_BODY"; outcome=1; }
  http POST "$url" -H 'Content-Type: application/json' -H 'Content-Type: application/json; charset=iso-8859-1' \
    --data-binary "$json" "$@"
  is_problem 400 && body_has 'Content-Type' || { note "two Content-Type lines -> $HTTP_STATUS $HTTP_BODY"; outcome=1; }
  rm -f "$file"
  return "$outcome"
}

# A file of N bytes of 'a' for oversized-body checks; the caller removes it.
big_file() {
  local file
  file=$(mktemp)
  head -c "$1" /dev/zero | tr '\0' a >"$file"
  printf '%s' "$file"
}
