#!/usr/bin/env bash
# Builds desafios/airgap-jre:25, the Java base image for Jib when no registry
# is reachable: a jlink runtime of a local JDK 25 at /opt/java/openjdk (as in
# eclipse-temurin) on glibc, CA certificates, tzdata and busybox (sh, wget)
# unpacked from Debian packages, with a non-root user app (1000:1000).
# Leaves the image behind, skipping the build when it is up to date; works
# under ${STATE_DIR}/airgap and removes what it wrote there.
set -Eeuo pipefail

# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=airgap-lib.sh
source "$CLI_DIR/airgap/airgap-lib.sh"
# shellcheck source=image-lib.sh
source "$CLI_DIR/airgap/image-lib.sh"

JRE_IMAGE=desafios/airgap-jre:25
JRE_HOME=/opt/java/openjdk
# What the services use; jdk.jcmd and the desktop modules stay out.
JRE_MODULES=java.base,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,java.security.jgss,jdk.httpserver,jdk.unsupported,jdk.crypto.ec,jdk.naming.dns,jdk.zipfs
# No libstdc++6: neither the JVM's libraries nor sqlite-jdbc's need it.
JRE_PACKAGES=(libc6 libc-bin zlib1g libgcc-s1 ca-certificates netbase tzdata busybox-static)

# Prints the home of a JDK 25 with jlink: AIRGAP_JDK, JAVA_HOME or /usr/lib/jvm.
jre_find_jdk() {
  local jdk
  for jdk in ${AIRGAP_JDK:-} ${JAVA_HOME:-} /usr/lib/jvm/*; do
    if [[ -x $jdk/bin/jlink ]] && grep -q '^JAVA_VERSION="25[."]' "$jdk/release" 2>/dev/null; then
      printf '%s\n' "$jdk"; return 0
    fi
  done
  die "no JDK 25 with jlink found (set AIRGAP_JDK to its directory)"
}

# Unpacks the Debian packages into root, without their docs, man pages,
# iconv modules and leap-second time zones, which nothing here uses.
jre_unpack_debs() {
  local work=$1 root=$2 deb
  mkdir -p "$work/debs"
  (cd "$work/debs" && apt-get download -qq -o APT::Sandbox::User=root "${JRE_PACKAGES[@]}")
  for deb in "$work"/debs/*.deb; do
    case $deb in
      */libc-bin_*) dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$root" ./usr/lib/locale/C.utf8 ;;
      *) dpkg-deb -x "$deb" "$root" ;;
    esac
  done
  (cd "$root" && rm -rf usr/share/{doc,man,lintian,zoneinfo/right} usr/lib/x86_64-linux-gnu/gconv \
    usr/bin/* sbin/* usr/sbin/* usr/libexec etc/init.d)
}

# Adds busybox's applets, users, name service, time zone and CA bundle.
jre_configure() {
  local root=$1 applet
  for applet in $("$root/bin/busybox" --list-full); do
    [[ -e $root/$applet || -L $root/$applet ]] && continue
    mkdir -p "$root/$(dirname "$applet")"
    ln -s /bin/busybox "$root/$applet"
  done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'app:x:1000:1000:app:/home/app:/bin/sh' \
    'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'app:x:1000:' 'nogroup:x:65534:' >"$root/etc/group"
  printf '%s\n' 'passwd: files' 'group: files' 'hosts: files dns' >"$root/etc/nsswitch.conf"
  ln -sf /usr/share/zoneinfo/Etc/UTC "$root/etc/localtime"
  echo Etc/UTC >"$root/etc/timezone"
  mkdir -p "$root/etc/ssl/certs" "$root/root"
  cat "$root"/usr/share/ca-certificates/*/*.crt >"$root/etc/ssl/certs/ca-certificates.crt"
  install -d -m 1777 "$root/tmp"
  install -d -o 1000 -g 1000 -m 0755 "$root/home/app"
  ldconfig -r "$root"
}

jre_link() {
  local jdk=$1 root=$2
  local cmd=("$jdk/bin/jlink" --add-modules "$JRE_MODULES" --strip-debug --no-header-files
    --no-man-pages --compress=zip-6 --generate-cds-archive --output "$root$JRE_HOME")
  show "${cmd[@]}"
  "${cmd[@]}" >/dev/null
  # Only used with heaps over 32 GB; a container of this project never has one.
  rm -f "$root$JRE_HOME/lib/server/classes_nocoops.jsa"
  # The symbol table (4 MB) only names frames in crash logs; it keeps us under 70 MB.
  if command -v strip >/dev/null; then
    strip --strip-unneeded "$root$JRE_HOME/lib/server/libjvm.so"
  else
    note "no strip (binutils): libjvm.so keeps its symbol table, 4 MB more"
  fi
}

jre_build() {
  local work=$1 image=$2 hash=$3 root=$1/root
  mkdir -p "$root"
  jre_unpack_debs "$work" "$root"
  jre_configure "$root"
  jre_link "$(jre_find_jdk)" "$root"
  airgap_import "$root" "$image" "$hash" "ENV JAVA_HOME=$JRE_HOME" "ENV LANG=C.UTF-8" \
    "ENV PATH=$JRE_HOME/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
}

main() {
  airgap_require apt-get dpkg-deb ldconfig docker
  airgap_lock
  local jdk versions
  jdk=$(jre_find_jdk)
  versions="$(grep -E '^(IMPLEMENTOR|JAVA_RUNTIME_VERSION)=' "$jdk/release")
$JRE_MODULES
$(airgap_pkg_versions "${JRE_PACKAGES[@]}")"
  airgap_build "$JRE_IMAGE" "$(airgap_hash "$versions" "${BASH_SOURCE[0]}")" jre_build
}

main "$@"
