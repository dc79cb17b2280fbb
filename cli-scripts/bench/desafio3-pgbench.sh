#!/usr/bin/env bash
# pgbench beside challenge 3's database, for desafio3.sh (sourced by it after
# build-images.sh and bench-lib.sh; functions only, it runs nothing): the same
# single-row insert as the API's, from a client container with the API's
# limits and hardening, its rate and the CPU per transaction of both sides.

PGBENCH=desafio3-pgbench

# pgbench as a client like the API: a container on the challenge's network
# with the limits and hardening run_container gives the API (--cpus 1
# --memory 256m, read-only, no capabilities, no new privileges, pids limit),
# idle until pgbench runs in it, so that its cgroup counts pgbench's CPU.
# Prints "tps transactions pgbench_cpu_ns db_cpu_ns".
pgbench_rate() {
  local work
  work=$(mktemp -d "$STATE_DIR/bench.XXXXXX")
  printf 'db:5432:app:app:%s\n' "$(<"$SECRETS/db_password.api")" | write_secret "$work/pgpass" "$STORE_UID"
  printf '%s\n' "INSERT INTO bench_accesses (path, client, user_agent, request_id) VALUES ('/', '172.18.0.1', 'pgbench', 'bench');" >"$work/insert.sql"
  chmod 755 "$work" && chmod 644 "$work/insert.sql"
  # What it runs is shown on stderr: stdout is the result.
  remove_containers "$PGBENCH" >&2
  dkq run --detach --name "$PGBENCH" --label desafios.challenge=3 --network desafio3-net --user "$STORE_UID:$STORE_UID" \
    "${HARDENED[@]}" --tmpfs /tmp:rw,noexec,nosuid,size=16m --memory 256m --cpus 1 \
    --volume "$work:/bench:ro" --env PGPASSFILE=/bench/pgpass "$POSTGRES_IMAGE" sleep infinity >&2
  docker exec "$PGBENCH" psql -h db -U app -d app -qc 'CREATE TABLE IF NOT EXISTS bench_accesses (LIKE accesses INCLUDING ALL)' >&2
  local before after
  settle_database
  local machine_before machine_after
  before=$(bench_cpu_of "$PGBENCH" desafio3-db) machine_before=$(bench_machine_ns)
  local bench=(exec "$PGBENCH" pgbench -h db -U app -n -M prepared -c "$CONNECTIONS" -j 2 -T "$DURATION" -f /bench/insert.sql app)
  show docker "${bench[@]}" >&2
  docker "${bench[@]}" >"$work/out"
  after=$(bench_cpu_of "$PGBENCH" desafio3-db) machine_after=$(bench_machine_ns)
  docker exec "$PGBENCH" psql -h db -U app -d app -qc 'DROP TABLE bench_accesses' >&2
  remove_containers "$PGBENCH" >&2
  local tps done_
  tps=$(grep -o 'tps = [0-9.]*' "$work/out" | head -n 1 | cut -d' ' -f3)
  done_=$(awk '/number of transactions actually processed/ { split($NF, a, "/"); print a[1] }' "$work/out")
  rm -rf "$work"
  printf '%s %s %s %s %s\n' "$tps" "$done_" "$(bench_per_op "${before% *}" "${after% *}" "$done_")" \
    "$(bench_per_op "${before#* }" "${after#* }" "$done_")" "$(bench_per_op "$machine_before" "$machine_after" "$done_")"
}
