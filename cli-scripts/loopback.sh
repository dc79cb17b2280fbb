#!/usr/bin/env bash
# Keeps ports published on 127.0.0.1 reachable from this machine only.
#
# Docker publishes a port with a DNAT rule in the nat table's PREROUTING (its
# DOCKER chain), which matches packets addressed to 127.0.0.1 on ANY interface:
# a host on the same network segment that sends such packets to this machine
# reaches the container, with the userland proxy on or off (docs/security.md).
# Later engines drop them in the raw table, before NAT; loopback_guard_add
# does the same for the engine that set-up starts, and loopback_guard_remove
# takes the rule away when set-up stops that engine. loopback_probe proves it
# from a network namespace of its own, as a neighbour would send it.
# Source it after lib.sh; it defines functions and runs nothing.

# The guard: packets to 127.0.0.0/8 that did not come in on lo are dropped
# before NAT. The comment names the rule, so it is found and removed again.
LOOPBACK_GUARD=(PREROUTING ! -i lo -d 127.0.0.0/8 -m comment --comment desafios-loopback-guard -j DROP)

loopback_guard_present() { iptables -w -t raw -C "${LOOPBACK_GUARD[@]}" 2>/dev/null; }

# Adds the guard once (root only).
loopback_guard_add() {
  loopback_guard_present && return 0
  show iptables -t raw -I "${LOOPBACK_GUARD[@]}"
  iptables -w -t raw -I "${LOOPBACK_GUARD[@]}"
}

# Removes every copy of the guard.
loopback_guard_remove() {
  while loopback_guard_present; do
    show iptables -t raw -D "${LOOPBACK_GUARD[@]}"
    iptables -w -t raw -D "${LOOPBACK_GUARD[@]}"
  done
}

# The packets Docker's DNAT rules for one published port have matched so far.
loopback_dnat_packets() {
  iptables -w -t nat -L DOCKER -v -n -x 2>/dev/null |
    awk -v port="dpt:$1" '$3 == "DNAT" && $0 ~ port" " { n += $1 } END { print n + 0 }'
}

# Plays a neighbour that sends packets addressed to 127.0.0.1 to this machine:
# from a network namespace of its own, over a veth pair, its local 127/8
# routes out of the way (route_localnet on its end, a route to 127.0.0.1
# through the host), it asks http://127.0.0.1:PORT/ with curl. Prints the
# HTTP status it got (000: no answer) and how many packets Docker's DNAT rule
# for the port took meanwhile: "000 0" means nothing reached the container.
# `loopback_probe PORT`; needs root.
loopback_probe() {
  local port=$1 ns="desafios-probe-$$" host_end="dsfp$$h" ns_end="dsfp$$n" before status after
  # Addresses of this probe's own veth pair; nothing else is there.
  local host_ip=10.254.254.1 ns_ip=10.254.254.2
  ip netns add "$ns"
  ip link add "$host_end" type veth peer name "$ns_end" netns "$ns"
  ip addr add "$host_ip/30" dev "$host_end" && ip link set "$host_end" up
  ip netns exec "$ns" sh -c "
    ip addr add $ns_ip/30 dev $ns_end && ip link set $ns_end up
    sysctl -qw net.ipv4.conf.$ns_end.route_localnet=1
    ip route add 127.0.0.1/32 via $host_ip dev $ns_end onlink"
  before=$(loopback_dnat_packets "$port")
  status=$(ip netns exec "$ns" curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/" || true)
  after=$(loopback_dnat_packets "$port")
  ip link del "$host_end" 2>/dev/null || true
  ip netns del "$ns"
  echo "${status:-000} $((after - before))"
}

# True when the running engine is one that set-up started.
engine_started_by_setup() {
  [[ -f $ENGINE_PIDFILE ]] && [[ $(cat "/proc/$(<"$ENGINE_PIDFILE")/comm" 2>/dev/null) == dockerd ]]
}
