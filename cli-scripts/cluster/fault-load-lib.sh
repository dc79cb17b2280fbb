#!/usr/bin/env bash
# Load through the cluster's entry while a fault runs, and what it proves.
# Source it after lib.sh, verify-lib.sh and cluster-lib.sh; it defines
# functions and runs nothing. What faults.sh calls:
#   gets_start NAME URL     GETs of URL in a loop in the background
#   posts_start             POSTs of new users in a loop in the background
#   load_stop               ends every loop started and waits for them
#   gets_tally NAME KEY [BOUND [STATUSES]]  prints the tally into MEASURED[KEY];
#                           true when every GET was a 200 (no BOUND), or a 200
#                           or a problem of STATUSES (a regex, default 503),
#                           none slower than BOUND seconds
#   posts_accounted KEY     each 2xx read back; each 5xx settled (stored or not)

GATEWAY_ENTRY="http://$BIND_ADDRESS:$CLUSTER_PORT"
# shellcheck disable=SC2034 # faults.sh asks the API through it
API_ENTRY="http://$BIND_ADDRESS:$CLUSTER_API_PORT"
# What was measured, by name, for the report at the end.
declare -A MEASURED=()
LOAD_DIR=''
RUN_ID="$(date +%s)-$$"

load_dir() { [[ -n $LOAD_DIR ]] || LOAD_DIR=$(mktemp -d); }
load_cleanup() { [[ -z $LOAD_DIR ]] || { rm -f "$LOAD_DIR"/*.run; wait; rm -rf "$LOAD_DIR"; }; }

# One "status seconds ct=content-type id=request-id at=time [detail=...]" line
# a GET into $LOAD_DIR/NAME (the request id finds the request in the gateways'
# logs; a problem's detail says who answered it and why).
gets_start() {
  local name=$1 url=$2 file at line
  load_dir
  file=$LOAD_DIR/$name
  : >"$file"
  : >"$file.run"
  note "GETs through the entry in a loop: $url"
  while [[ -f $file.run ]]; do
    printf -v at '%(%T)T' -1
    line=$(curl -s -o "$file.body" -m 10 -w "%{http_code} %{time_total} ct=%{content_type} id=%header{x-request-id} at=$at" \
      "$url") || true
    [[ $line == 200* ]] || line+=" detail=$(json_string "$(head -c 2048 "$file.body" 2>/dev/null)" detail)"
    printf '%s\n' "$line" >>"$file"
    sleep 0.05
  done &
}

# One "status email id" line a POST of a new user into $LOAD_DIR/posts; the
# e-mail address is unique, so a repeated POST says whether the first was kept.
posts_start() {
  local file i=0 email answer
  load_dir
  file=$LOAD_DIR/posts
  : >"$file"
  : >"$file.run"
  note "POSTs of new users through the entry in a loop: $GATEWAY_ENTRY/api/users"
  while [[ -f $file.run ]]; do
    i=$((i + 1)) email="fault-$RUN_ID-$i@example.com"
    answer=$(curl -s -m 10 -w '\n%{http_code}' -H 'Content-Type: application/json' \
      --data-binary "{\"name\":\"Fault $i\",\"email\":\"$email\"}" "$GATEWAY_ENTRY/api/users") || true
    printf '%s %s %s\n' "$(tail -n 1 <<<"$answer")" "$email" "$(json_number "$answer" id)" >>"$file"
    sleep 0.1
  done &
}

# Whether a GET's line is a success: a 200, or (with a bound) a problem of the
# expected statuses within it. An awk function of bound and statuses.
GET_OK='function ok() { return $1 == 200 || (bound != "" && $1 ~ statuses && $3 ~ /problem\+json/ && $2 <= bound) }'

# Each failed GET (the first five), with what each gateway logged of it.
gets_failures() {
  local name=$1 bound=$2 statuses=$3 status seconds ct id at n
  while read -r status seconds ct id at detail; do
    id=${id#id=}
    note "failed: $status after $seconds s at ${at#at=} (${ct#ct=}), request id ${id:-none} ${detail#detail=}"
    [[ -n $id ]] || continue
    for n in 1 2 3; do
      node_docker "$n" ps -q --filter label=com.docker.swarm.service.name=swarm-gateway 2>/dev/null |
        while read -r container; do
          node_docker "$n" logs "$container" 2>&1 | grep -F -- "$id" | sed "s/^/      node $n: /" | head -n 5
        done
    done
  done < <(awk -v bound="$bound" -v statuses="^($statuses)\$" "$GET_OK"' !ok() && n++ < 5' "$LOAD_DIR/$name")
}

load_stop() {
  rm -f "$LOAD_DIR"/*.run
  wait
}

gets_tally() {
  local name=$1 key=$2 bound=${3:-} statuses=${4:-503} total failed slowest codes
  read -r total failed slowest < <(awk -v bound="$bound" -v statuses="^($statuses)\$" '
    '"$GET_OK"'
    { n++; if (!ok()) f++; if ($2 > m) m = $2 }
    END { printf "%d %d %.2f\n", n, f, m }' "$LOAD_DIR/$name")
  codes=$(awk '{ print $1 }' "$LOAD_DIR/$name" | sort | uniq -c | awk '{ printf "%s%s x %s", sep, $1, $2; sep = ", " }')
  MEASURED[$key]="$total GETs ($codes), $failed failed, slowest $slowest s"
  note "$key: ${MEASURED[$key]}"
  # What answered the problems, and why: each distinct detail, counted.
  grep -o ' detail=.*' "$LOAD_DIR/$name" | cut -c9- | sort | uniq -c | sort -rn | head -n 3 |
    while read -r count detail; do note "  $count x: ${detail:-no detail}"; done
  gets_failures "$name" "$bound" "$statuses"
  ((total > 0 && failed == 0))
}

# Every 2xx POST is read back with its e-mail address; every other answer is
# settled by posting the same address again: 409 says the first was stored,
# 201 that it was not (and is now). Anything else fails the check.
posts_accounted() {
  local key=$1 status email id created=0 stored=0 lost=0 unsettled=0
  while read -r status email id; do
    if [[ $status == 2* ]]; then
      http GET "$GATEWAY_ENTRY/api/users/$id"
      if status_is 200 && body_has "$email"; then created=$((created + 1)); else lost=$((lost + 1)); err "POST answered $status, user $id ($email) not read back: $HTTP_STATUS"; fi
      continue
    fi
    post_json "$GATEWAY_ENTRY/api/users" "{\"name\":\"Settle\",\"email\":\"$email\"}"
    case $HTTP_STATUS in
      409) stored=$((stored + 1)); note "POST answered $status; $email was stored" ;;
      201) note "POST answered $status; $email was not stored" ;;
      *) unsettled=$((unsettled + 1)); err "POST answered $status; settling $email answered $HTTP_STATUS" ;;
    esac
  done <"$LOAD_DIR/posts"
  local total others
  total=$(wc -l <"$LOAD_DIR/posts")
  others=$((total - created - lost))
  MEASURED[$key]="$total POSTs: $created x 2xx all read back, $others other ($stored of them stored)"
  note "$key: ${MEASURED[$key]}"
  ((total > 0 && lost == 0 && unsettled == 0))
}
