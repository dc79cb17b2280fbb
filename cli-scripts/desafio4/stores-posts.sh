#!/usr/bin/env bash
# Many POSTs at once for challenge 4's store checks, sourced by stores.sh
# (functions only; it runs nothing): curl configs for the largest entries a
# client may send (post-configs.awk), $POSTERS curl processes posting them in
# parallel, a store filled past its maximum, and counts of the answers.

# Writes curl configs for COUNT POSTs numbered from FIRST into DIR (the
# largest entries a client may send; see post-configs.awk):
# `post_configs DIR URL users|orders FIRST COUNT`.
post_configs() {
  mkdir -p "$1"
  awk -v dir="$1" -v url="$2" -v kind="$3" -v first="$4" -v count="$5" -v posters="$POSTERS" \
    -v users="$SEED_USERS" -f "$(dirname "${BASH_SOURCE[0]}")/post-configs.awk"
}

# POSTs COUNT entries numbered from FIRST from $POSTERS curl processes at once,
# each writing its answers ("status content-type location" lines) to a file of
# its own; all of them are appended to ANSWERS:
# `post_many URL users|orders FIRST COUNT ANSWERS`.
post_many() {
  local url=$1 kind=$2 first=$3 count=$4 answers=$5 dir start=$SECONDS
  dir=$(mktemp -d -p "$STORE_TMP")
  post_configs "$dir" "$url" "$kind" "$first" "$count"
  find "$dir" -name '*.cfg' -print0 |
    xargs -0 -P "$POSTERS" -I {} sh -c 'curl -s --max-time 60 -K "$1" >"$1.out"' sh {} || true
  cat "$dir"/*.out >>"$answers"
  note "$count POSTs to $url in $((SECONDS - start)) s: $(answer_counts "$answers") so far"
}

# Fills a store past its maximum: ROOM + 20 POSTs, then 20 more at a time until
# a 507 comes (a POST may fail otherwise: orders answers 504 when users is slow):
# `fill URL users|orders ROOM ANSWERS`.
fill() {
  local url=$1 kind=$2 room=$3 answers=$4 sent tries
  sent=$((room + 20))
  : >"$answers"
  post_many "$url" "$kind" 0 "$sent" "$answers"
  for ((tries = 0; tries < 5; tries++)); do
    grep -q '^507 ' "$answers" && return 0
    post_many "$url" "$kind" "$sent" 20 "$answers"
    sent=$((sent + 20))
  done
}

# How many answers of each status: "9997 x 201, 20 x 507".
answer_counts() { cut -d' ' -f1 "$1" | sort | uniq -c | awk '{printf "%s%s x %s", sep, $1, $2; sep = ", "}'; }
answers_with() { grep -c "^$2 " "$1" || true; }
