#!/bin/sh
# The command of every node container (mounted read-only, run as root by the
# node's init): the node image's own entrypoint with dockerd on two unix
# sockets, the image's default one and /run/desafios/docker.sock, the folder
# the host bind-mounts from $STATE_DIR/cluster/nodes/N. No TCP socket.
# The node's own containers are created under the node's cgroup, so that the
# node's memory, CPU and pids limits bound everything the node runs, as a
# machine's size would.
set -eu
own=$(sed -n 's/^[0-9]*:memory:\(.*\)$/\1/p' /proc/self/cgroup)
set -- dockerd --host=unix:///var/run/docker.sock --host=unix:///run/desafios/docker.sock \
  --userland-proxy=false "$@"
if [ -n "$own" ] && [ "$own" != / ]; then set -- "$@" --cgroup-parent="$own/engine"; fi
exec dockerd-entrypoint.sh "$@"
