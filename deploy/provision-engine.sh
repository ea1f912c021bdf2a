#!/usr/bin/env bash
# The container engine that deploy/check.sh builds and runs the image with, apart from the checks
# themselves. Sourced by deploy/check.sh; run on its own, it provisions the engine and says which,
# so that a machine can be prepared ahead of a check.
#
# Uses Docker when its engine answers. Otherwise uses podman, which it installs with apt-get
# together with docker-compose and debootstrap, so it then has to run as root on Debian: podman
# runs with runc and cgroupfs, builds on a debian:bookworm image made with debootstrap, and
# serves Docker's API on a socket for docker-compose. The base image and podman's storage stay
# in /var/tmp/traffic-monitor-deploy between runs. To start afresh, unmount the storage that
# podman leaves mounted, then delete the directory:
#   umount /var/tmp/traffic-monitor-deploy/storage/overlay; rm -rf /var/tmp/traffic-monitor-deploy
#
# provide_engine sets `engine` (docker or podman) and `compose` (the compose command, an array)
# and, for podman, exports the settings every later podman command needs. start_engine_api
# makes the engine answer compose on DOCKER_HOST; stop_engine_api ends what it started.

readonly engine_cache=/var/tmp/traffic-monitor-deploy
readonly podman_run_dir=/run/traffic-monitor-deploy
readonly podman_socket=$podman_run_dir/podman.sock

engine=
compose=()
podman_api_pid=

provisioning_failed() {
  echo "engine provisioning FAILED: $*" >&2
  exit 1
}

apt_install() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q 'ok installed' \
      || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || provisioning_failed "run as root to install: ${missing[*]}"
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/dev/null
}

provide_engine() {
  if command -v docker >/dev/null && timeout 30 docker info >/dev/null 2>&1; then
    engine=docker
    if docker compose version >/dev/null 2>&1; then
      compose=(docker compose)
    else
      command -v docker-compose >/dev/null || apt_install docker-compose
      compose=(docker-compose)
    fi
  else
    engine=podman
    [ "$(id -u)" -eq 0 ] || provisioning_failed "no Docker engine answers, and podman needs root here"
    apt_install podman runc containernetworking-plugins iptables debootstrap docker-compose
    compose=(docker-compose)
    configure_podman
    provide_base_image
  fi
  echo "engine: $("$engine" --version)"
  echo "compose: $("${compose[@]}" version | head -1)"
}

# Settings that let podman run where it may not raise resource limits, where crun does not
# support the cgroup layout and where no systemd runs; harmless elsewhere.
configure_podman() {
  local nofile nproc pid_max
  nofile=$(ulimit -Hn)
  nproc=$(ulimit -Hu)
  pid_max=$(cat /proc/sys/kernel/pid_max)
  [ "$nofile" != unlimited ] || nofile=1048576
  if [ "$nproc" = unlimited ] || [ "$nproc" -gt "$pid_max" ]; then nproc=$pid_max; fi
  mkdir -p "$engine_cache" "$podman_run_dir"
  cat >"$engine_cache/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
  cat >"$engine_cache/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$engine_cache/storage"
runroot = "$podman_run_dir/storage"
EOF
  export CONTAINERS_CONF=$engine_cache/containers.conf CONTAINERS_STORAGE_CONF=$engine_cache/storage.conf
  podman info --format 'runtime {{.Host.OCIRuntime.Name}}, storage {{.Store.GraphDriverName}}'
}

# The Debian mirror apt uses for `suite`, or Debian's own.
mirror_of() {
  local uri
  uri=$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 'Created-By: Packages' 2>/dev/null \
          | awk -v suite="$1" '$1 == suite { print $2; exit }')
  echo "${uri:-$2}"
}

# A root tree like Docker's debian:bookworm: debootstrap's minbase with the main, updates and
# security suites, and apt set to drop downloaded packages after installing them.
debootstrap_bookworm() {
  local root=$engine_cache/bookworm-root mirror security
  mirror=$(mirror_of bookworm http://deb.debian.org/debian/)
  security=$(mirror_of bookworm-security http://deb.debian.org/debian-security/)
  echo "debootstrap from $mirror"
  rm -rf "$root"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$engine_cache/debootstrap.log" 2>&1 \
    || { tail -20 "$engine_cache/debootstrap.log"; provisioning_failed "debootstrap"; }
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
  tar --numeric-owner -C "$root" -cf "$engine_cache/bookworm.tar.partial" .
  mv "$engine_cache/bookworm.tar.partial" "$engine_cache/bookworm.tar"
  rm -rf "$root"
}

# The builder's base image is made locally, so the check needs no registry.
provide_base_image() {
  podman image exists docker.io/library/debian:bookworm && return 0
  [ -s "$engine_cache/bookworm.tar" ] || debootstrap_bookworm
  podman import -q --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$engine_cache/bookworm.tar" docker.io/library/debian:bookworm >/dev/null
}

# Docker serves compose itself; podman serves Docker's API only while this service runs.
start_engine_api() {
  [ "$engine" = podman ] || return 0
  rm -f "$podman_socket"
  podman system service --time=0 "unix://$podman_socket" >"$podman_run_dir/api.log" 2>&1 &
  podman_api_pid=$!
  export DOCKER_HOST=unix://$podman_socket
  local deadline=$((SECONDS + 30))
  until podman --remote --url "$DOCKER_HOST" version >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { tail -5 "$podman_run_dir/api.log" >&2;
                                    provisioning_failed "podman's API did not answer in 30s"; }
    sleep 1
  done
  echo "podman's API answers on $DOCKER_HOST"
}

stop_engine_api() {
  [ -n "$podman_api_pid" ] || return 0
  kill "$podman_api_pid" 2>/dev/null || true
  wait "$podman_api_pid" 2>/dev/null || true
  podman_api_pid=
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  provide_engine
fi
