#!/usr/bin/env bash
# Helpers shared by the benchmarks in cli-scripts/bench: the hello world's
# image, free ports, a container's CPU time, and simple statistics.
# Source it after build-images.sh; it defines functions and runs nothing.

HELLO_IMAGE=$IMAGE_PREFIX/bench-hello
HELLO_POM=cli-scripts/bench/hello/pom.xml

# Builds desafios/bench-hello with Jib when missing, from its own POM (its
# parent is the project's, so base image, JVM flags and user are the same).
bench_ensure_hello() {
  docker image inspect "$HELLO_IMAGE" >/dev/null 2>&1 && return 0
  timed "Building $HELLO_IMAGE with Jib" bench_build_hello
}
bench_build_hello() {
  show ./mvnw -B -q -f "$HELLO_POM" -Djib.base.image="$JAVA_BASE_IMAGE" package jib:dockerBuild
  (cd "$DESAFIOS_ROOT" && ./mvnw -B -q -f "$HELLO_POM" -Djib.base.image="$JAVA_BASE_IMAGE" package jib:dockerBuild)
}

# Prints a port on 127.0.0.1 that nothing answers on, below Linux's ephemeral
# range (32768-60999) so that no outgoing connection holds it.
bench_free_port() {
  local port try
  for try in {1..50}; do
    port=$((20000 + RANDOM % 12768))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { printf '%s\n' "$port"; return 0; }
  done
  die "no free port found on 127.0.0.1 after $try tries"
}

# CPU time used so far by a container (full id), in ns: cgroup v1, else v2.
bench_cpu_ns() {
  cat "/sys/fs/cgroup/cpuacct/docker/$1/cpuacct.usage" 2>/dev/null ||
    awk '/^usage_usec/ { print $2 * 1000 }' "/sys/fs/cgroup/system.slice/docker-$1.scope/cpu.stat"
}

# Prints "min median max" of whole numbers (an even count's median: the lower middle one).
bench_stats() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[1], v[int((NR + 1) / 2)], v[NR] }'
}
bench_median() { bench_stats "$@" | cut -d' ' -f2; }

# Bytes as MB (10^6, as docker images shows them), one decimal.
bench_mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
