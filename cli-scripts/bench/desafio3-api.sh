#!/usr/bin/env bash
# The API side of desafio3.sh (sourced by it after build-images.sh and
# bench-lib.sh; functions only, it runs nothing): ab's client container
# beside the API, one measured load of GET / with its exact-counts check, and
# the CPU per request of each container on the path.

AB=desafio3-ab

# "visits,accesses" as /visits reports them.
counts() { curl -s --max-time 5 "$URL/visits" | grep -o '"visits":[0-9]*,"accesses":[0-9]*' | tr -dc '0-9,'; }

# ab with a fixed request count (so every request it sends is also counted),
# keep-alive. Not hey: on this 2-CPU host the load tool shares the CPUs with
# the API and the database, and hey spends several times ab's CPU per GET /
# (docs/benchmarks.md). `load beside|host REQUESTS`: from the client
# container by the API's alias, or from the host through the published port.
load() {
  local command=(ab -q -k -n "$2" -c "$CONNECTIONS")
  if [[ $1 == beside ]]; then
    show docker exec "$AB" "${command[@]}" http://api:8080/ >&2
    docker exec "$AB" "${command[@]}" http://api:8080/
  else
    show "${command[@]}" "$URL/" >&2
    "${command[@]}" "$URL/"
  fi
}

# The API's load client, like pgbench: a container on the challenge's network
# with the API's limits and hardening, idle until ab runs in it.
client_up() {
  remove_containers "$AB" >&2
  dkq run --detach --name "$AB" --label desafios.challenge=3 --network desafio3-net --user 65534:65534 \
    "${HARDENED[@]}" --tmpfs /tmp:rw,noexec,nosuid,size=16m --memory 256m --cpus 1 "$AB_IMAGE" >&2
}

# One measured load of GET / (REQUESTS of them), from WHERE (load's first
# argument), after settle_database. Prints "req/s p50 p99 2xx counter_delta
# rows_delta" and the CPU per request of the API, the database, Redis and the
# client container (- when the client is the host), then of the whole machine
# (the load tool, every container, the kernel and the engine); dies unless 2xx answers,
# the counter and the rows moved by exactly REQUESTS.
api_run() {
  local where=$1 requests=$2 before after out cpu_before cpu_after names=(desafio3-api desafio3-db desafio3-cache)
  [[ $where == beside ]] && names+=("$AB")
  settle_database
  before=$(counts)
  local machine_before machine_after
  cpu_before=$(bench_cpu_of "${names[@]}") machine_before=$(bench_machine_ns)
  out=$(load "$where" "$requests")
  cpu_after=$(bench_cpu_of "${names[@]}") machine_after=$(bench_machine_ns)
  after=$(counts)
  # 2xx: the complete requests but the non-2xx and the failed ones. ab also counts as failed
  # an answer whose length differs from the first one's ("Length"): each answer carries its
  # own visit number and time, so those are 2xx like the others.
  local ok d_visits=$((${after%,*} - ${before%,*})) d_rows=$((${after#*,} - ${before#*,}))
  ok=$(awk '/^Complete requests/ { c = $3 } /^Non-2xx responses/ { n = $3 }
    /\(Connect: / { gsub(/[(),]/, ""); f = $2 + $4 + $8 } END { print c - n - f }' <<<"$out")
  grep -E '^(Failed requests|Non-2xx)|\(Connect' <<<"$out" >&2 || true
  note "2xx answers $ok of $requests requests, counter +$d_visits, rows +$d_rows" >&2
  ((ok == requests && d_visits == ok && d_rows == ok)) || die "the counts do not agree: writes were lost or doubled"
  local -a b a cpu=()
  read -r -a b <<<"$cpu_before"
  read -r -a a <<<"$cpu_after"
  local i
  for i in "${!names[@]}"; do cpu+=("$(bench_per_op "${b[i]}" "${a[i]}" "$ok")"); done
  ((${#cpu[@]} == 4)) || cpu+=(-)
  cpu+=("$(bench_per_op "$machine_before" "$machine_after" "$ok")")
  printf '%s %s %s %s %s %s %s\n' "$(awk '/^Requests per second/ { printf "%.0f", $4 }' <<<"$out")" \
    "$(awk '$1 == "50%" { print $2 }' <<<"$out")" "$(awk '$1 == "99%" { print $2 }' <<<"$out")" \
    "$ok" "$d_visits" "$d_rows" "${cpu[*]}"
}

# Before each side runs, what the other side's writes left behind is dealt
# with: the new rows vacuumed (PostgreSQL's autovacuum would otherwise do it
# while the next side runs, on the database's one CPU) and the dirty pages
# written by a checkpoint. Neither side pays for the other's work.
settle_database() {
  local settle=(exec desafio3-db psql -U app -d app -qc 'VACUUM (ANALYZE) accesses' -c CHECKPOINT)
  show docker "${settle[@]}" >&2
  docker "${settle[@]}" >&2
}
