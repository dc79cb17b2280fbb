#!/usr/bin/env bash
# Helpers shared by the benchmarks in cli-scripts/bench: the hello world's
# image, free ports, a container's CPU time, and simple statistics.
# Source it after build-images.sh; it defines functions and runs nothing.

HELLO_IMAGE=$IMAGE_PREFIX/bench-hello
HELLO_POM=cli-scripts/bench/hello/pom.xml

# Builds desafios/bench-hello with Jib from its own POM (its parent is the
# project's, so base image, JVM flags and user are the same) when it is missing
# or stale: built from other sources, not on the current base (else IMAGE's),
# other parent JVM flags than IMAGE's (a service appends its own after them),
# or no class archive where IMAGE has one: `bench_ensure_hello IMAGE`.
bench_ensure_hello() {
  local image=$1 base flags
  base=$(docker image inspect -f '{{join .RootFS.Layers " "}}' "${JAVA_BASE_IMAGE#docker://}" 2>/dev/null) ||
    base=$(bench_base_layers "$image")
  [[ $(bench_base_layers "$image") == "$base" ]] ||
    note "$image is built on another build of the base than $JAVA_BASE_IMAGE; build-images.sh rebuilds it"
  if flags=$(bench_jvm_flags "$HELLO_IMAGE" 2>/dev/null) && [[ $(hello_sources_hash) == "$(cat "$HELLO_BUILT" 2>/dev/null)" &&
    $(bench_base_layers "$HELLO_IMAGE") == "$base" &&
    $(bench_jvm_flags "$image") == "$flags"* ]] && { bench_has_archive "$HELLO_IMAGE" || ! bench_has_archive "$image"; }; then
    return 0
  fi
  timed "Building $HELLO_IMAGE with Jib (missing, or not on this base and JVM flags)" bench_build_hello
}

# An image's base layers (all but those Jib added), and its JVM command before -cp.
bench_base_layers() {
  local jib
  jib=$(docker history --no-trunc --format '{{.CreatedBy}}' "$1" | grep -c '^jib-') || true
  docker image inspect -f '{{join .RootFS.Layers " "}}' "$1" | awk -v n="$jib" '{ NF -= n; print }'
}
bench_has_archive() { [[ $(bench_jvm_flags "$1") == *-XX:SharedArchiveFile=* ]]; }
bench_jvm_flags() { docker image inspect -f '{{join .Config.Entrypoint " "}}' "$1" | sed 's/ -cp .*//'; }

# Built as build_images builds a service: with its class archive.
bench_build_hello() {
  jib_maven -f "$HELLO_POM"
  dump_class_archive "$DESAFIOS_ROOT/${HELLO_POM%/pom.xml}" "$HELLO_IMAGE"
  jib_maven -f "$HELLO_POM" -Djib.classArchive
  mkdir -p "$STATE_DIR"
  hello_sources_hash >"$HELLO_BUILT"
}

# What the hello world is built from: its POM and sources.
HELLO_BUILT="$STATE_DIR/bench-hello.sources"
hello_sources_hash() {
  (cd "$DESAFIOS_ROOT" && find "${HELLO_POM%/pom.xml}/src" "$HELLO_POM" -type f -print0 | sort -z | xargs -0 sha256sum) |
    sha256sum | cut -c1-16
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

# CPU time (ns) used so far by each named container, on one line.
bench_cpu_of() {
  local name
  for name in "$@"; do bench_cpu_ns "$(docker inspect -f '{{.Id}}' "$name")"; done | paste -sd' '
}

# Busy CPU time of the whole machine so far, in ns (/proc/stat's first line:
# user, nice, system, irq and softirq; not idle, iowait or the steal of other
# guests). Beside the containers' own, it shows what their traffic costs the
# kernel and the engine (the bridge, Docker's log pipeline) outside them.
bench_machine_ns() {
  awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" { printf "%.0f\n", ($2 + $3 + $4 + $7 + $8) * 1e9 / hz; exit }' /proc/stat
}

# CPU microseconds per operation: `bench_per_op NS_BEFORE NS_AFTER OPERATIONS`.
bench_per_op() { awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.0f", (n > 0 ? (b - a) / 1000 / n : 0) }'; }

# Prints "min median max" of whole numbers (an even count's median: the lower middle one).
bench_stats() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[1], v[int((NR + 1) / 2)], v[NR] }'
}
bench_median() { bench_stats "$@" | cut -d' ' -f2; }

# Bytes as MB (10^6, as docker images shows them), one decimal.
bench_mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }

# The seed's stack, for startup.sh: its Flask users service (bench/flask).
FLASK_IMAGE=$IMAGE_PREFIX/bench-flask:1
# A load client run beside the service it loads, for desafio3.sh (bench/ab).
AB_IMAGE=$IMAGE_PREFIX/bench-ab:1

# Builds the comparator or client image of bench/NAME (desafios/bench-NAME:1)
# when missing or built from other sources (the build needs root; without it
# an existing image is used as it is).
bench_ensure_image() {
  local image=$IMAGE_PREFIX/bench-$1:1
  if ((EUID != 0)) && docker image inspect "$image" >/dev/null 2>&1; then
    note "not root: $image is used as it is, unchecked against its sources"
    return 0
  fi
  QUIET=${QUIET:-0} bash "$CLI_DIR/bench/$1/build.sh"
}
