#!/bin/sh
# The official registry image's entrypoint: a config file as the first
# argument means `registry serve FILE`; a subcommand runs registry with it.
set -e

case "$1" in
    *.yaml|*.yml) set -- registry serve "$@" ;;
    serve|garbage-collect|help|-*) set -- registry "$@" ;;
esac

exec "$@"
