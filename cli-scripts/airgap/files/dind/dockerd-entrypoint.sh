#!/bin/sh
# Entrypoint of desafios/airgap-dind:20, as in the official docker:dind image:
# no arguments, or options first, mean dockerd on the default unix socket
# (never on TCP: the official image's TLS port is left out); `dockerd ...`
# runs as given; anything else is run as is.
set -eu

if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
  set -- dockerd --host=unix:///var/run/docker.sock "$@"
fi
if [ "$1" = dockerd ]; then
  # A pid file left by an unclean stop (docker kill) keeps dockerd from starting.
  find /run /var/run -iname 'docker*.pid' -delete 2>/dev/null || :
  # As docker's hack/dind: securityfs for AppArmor-aware tools, when it is missing.
  if [ -d /sys/kernel/security ] && ! mountpoint -q /sys/kernel/security 2>/dev/null; then
    mount -t securityfs none /sys/kernel/security 2>/dev/null || :
  fi
fi
exec "$@"
