#!/usr/bin/env bash
# Debian packages for the tools a script needs and this machine lacks (the
# engine, debootstrap, openssl, hey, promtool...), installed quietly with apt,
# apt's own output in $STATE_DIR/apt.log. Source it after lib.sh; lib.sh
# sources it itself, for the air-gapped image builds, which source lib.sh only.
# It defines functions and a variable and runs nothing.

# Installs Debian packages quietly (as root), apt's own output in a log file;
# refreshes the package lists once when the install fails on stale or no lists.
apt_install() {
  ((EUID == 0)) && command -v apt-get >/dev/null || die "installing $* needs root and apt-get; install it yourself"
  mkdir -p "$STATE_DIR"
  if ! apt_quiet install -y -qq "$@" && ! { apt_quiet update -qq && apt_quiet install -y -qq "$@"; }; then
    tail -n 5 "$STATE_DIR/apt.log" >&2
    die "apt-get could not install $* (log: $STATE_DIR/apt.log)"
  fi
}

# A command from its Debian package when it is missing: `ensure_command ab apache2-utils`
# (the package defaults to the command's name).
ensure_command() {
  command -v "$1" >/dev/null || { say "Installing $1 (Debian package ${2:-$1})"; apt_install "${2:-$1}"; }
}
apt_quiet() {
  DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get "$@" </dev/null >>"$STATE_DIR/apt.log" 2>&1
}

# promtool, Prometheus' checker, taken out of Debian's prometheus package
# without installing it (installing would set up the server as a service);
# prints its path. Kept in the state directory.
PROMTOOL="$STATE_DIR/tools/promtool"
ensure_promtool() {
  if [[ ! -x $PROMTOOL ]]; then
    local work
    work=$(mktemp -d)
    (cd "$work" && apt_quiet download prometheus) || { apt_quiet update -qq && (cd "$work" && apt_quiet download prometheus); } ||
      { rm -rf "$work"; die "apt-get could not download Debian's prometheus package (log: $STATE_DIR/apt.log)"; }
    dpkg-deb -x "$work"/prometheus_*.deb "$work/x" && mkdir -p "$(dirname "$PROMTOOL")" &&
      install -m 0755 "$work/x/usr/bin/promtool" "$PROMTOOL"
    rm -rf "$work"
  fi
  echo "$PROMTOOL"
}
