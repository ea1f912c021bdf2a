#!/usr/bin/env bash
# Builds the image from deploy/Dockerfile and proves that it and deploy/docker-compose.yml work:
# what the image holds and its size, the binary in it, and the compose service as shipped (with
# an env file in place of the Telegram placeholders) run against a fake Telegram server on
# 127.0.0.1 until it is healthy and has sent its start-up message; the image's binary, taken
# out of it, loads only the libraries the image's label names and passes the end-to-end tests.
# Prints the image size and exits non-zero at the first failed check.
#
# The engine (Docker, or podman where no Docker engine answers) comes from
# deploy/provision-engine.sh, which says how it is set up.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/provision-engine.sh

readonly image=traffic-monitor:latest       # the name deploy/docker-compose.yml gives it
readonly compose_file=deploy/docker-compose.yml
readonly project=traffic-monitor-check
readonly size_limit_bytes=12000000
readonly service_uid=10001
readonly bot_token=123456789:AAcheck-token_0123456789abcdef
readonly chat_id=4242
readonly started_text="Traffic monitor started"

work=$(mktemp -d)
# Compose as the check runs it: with an env file in place of the Telegram placeholders.
service_compose=()
container=
image_bytes=
fake_telegram_pid=
service_started=
binary=

fail() {
  if [ -n "$container" ]; then
    echo "--- the service's log:" >&2
    "$engine" logs --tail 30 "$container" >&2 2>&1 || true
  fi
  echo "deploy check FAILED: $*" >&2
  exit 1
}

step_times=()
step() {
  local name=$1 started=$SECONDS
  shift
  echo "=== $name"
  "$@"
  step_times+=("$(printf '%-22s %4ss' "$name" $((SECONDS - started)))")
}

# Runs the command once a second until it succeeds; fails after `seconds`.
wait_until() {
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "waited ${seconds}s for $what"
    sleep 1
  done
}

cleanup() {
  set +e
  [ -z "$service_started" ] || "${service_compose[@]}" down --volumes --timeout 5 >/dev/null 2>&1
  [ -z "$fake_telegram_pid" ] || { kill "$fake_telegram_pid"; wait "$fake_telegram_pid"; } 2>/dev/null
  stop_engine_api
  rm -rf "$work"
}
trap cleanup EXIT

# ---- the compose file ----------------------------------------------------------------------

# Compose as the check runs the service: only the env file sets what the compose file reads,
# whatever this shell exports.
prepare_service_compose() {
  local variable unset_variables=()
  for variable in $(grep -o '\${[A-Z_]*' "$compose_file" | cut -c3- | sort -u); do
    unset_variables+=(-u "$variable")
  done
  service_compose=(env "${unset_variables[@]}" "${compose[@]}" --env-file "$work/check.env"
                   -p "$project" -f "$compose_file")
}

validate_compose_file() {
  "${compose[@]}" -f "$compose_file" config -q
  if [ "${compose[*]}" = "docker compose" ] && command -v docker-compose >/dev/null; then
    docker-compose -f "$compose_file" config -q
  fi
  echo "valid as shipped"
}

# ---- the image -----------------------------------------------------------------------------

build_image() {
  local options=()
  # podman keeps HEALTHCHECK only in Docker's image format; the build's RUN steps use the
  # host's network because the check sets up no container network.
  [ "$engine" = docker ] || options=(--pull=never --network=host --format docker --layers)
  timeout 3600 "$engine" build "${options[@]}" -f deploy/Dockerfile -t "$image" .
  # Each change of the sources leaves the layers of the previous build behind in the cache.
  [ "$engine" = docker ] || podman image prune -f --filter until=168h >/dev/null
}

report_size() {
  image_bytes=$("$engine" image inspect -f '{{.Size}}' "$image")
  print_size
  [ "$image_bytes" -lt $size_limit_bytes ] \
    || fail "the image is not under $((size_limit_bytes / 1000000)) MB"
}

print_size() {
  awk -v bytes="$image_bytes" 'BEGIN { printf "image size: %.1f MB (%d bytes)\n", bytes / 1e6, bytes }'
}

# The files of the image as an unstarted container exports them.
check_image_tree() {
  local container
  container=$("$engine" create --no-healthcheck "$image")
  "$engine" export "$container" >"$work/image.tar"
  "$engine" rm "$container" >/dev/null 2>&1
  python3 - "$work/image.tar" "$service_uid" <<'EOF' || fail "the image does not hold what it should"
import re, sys, tarfile
def relative(name):
    return name[2:] if name.startswith("./") else name.lstrip("/")
archive = tarfile.open(sys.argv[1])
tree = {relative(member.name).rstrip("/"): member for member in archive}
uid = int(sys.argv[2])
problems = []
for path in ("usr/local/bin/traffic-monitor", "usr/share/zoneinfo/Asia/Shanghai",
             "usr/share/zoneinfo/UTC", "etc/passwd", "etc/group"):
    if path not in tree:
        problems.append(f"/{path} is missing")
# The CA certificates, one file each named by its subject's hash (libcurl's CA path).
hashed = [name for name, member in tree.items() if member.isfile()
          and re.fullmatch(r"etc/ssl/certs/[0-9a-f]{8}\.[0-9]", name)]
if len(hashed) < 100:
    problems.append(f"/etc/ssl/certs holds {len(hashed)} hashed CA certificates, not 100 or more")
data = tree.get("data")
if data is None or not data.isdir():
    problems.append("/data is not a directory")
elif (data.uid, data.gid) != (uid, uid):
    problems.append(f"/data belongs to {data.uid}:{data.gid}, not {uid}:{uid}")
if "etc/passwd" in tree:
    passwd = archive.extractfile(tree["etc/passwd"]).read().decode()
    if not any(line.split(":")[2:4] == [str(uid), str(uid)] for line in passwd.splitlines()):
        problems.append(f"/etc/passwd has no entry for {uid}")
for name in ("bin/sh", "usr/bin/sh"):
    if name in tree:
        problems.append(f"/{name} exists: the runtime image should hold no shell")
print(f"{len(tree)} files and directories")
sys.exit("\n".join(problems) or None)
EOF
}

check_image_config() {
  local user
  user=$("$engine" image inspect -f '{{.Config.User}}' "$image")
  [ "$user" = "$service_uid:$service_uid" ] || fail "the image runs as '$user', not $service_uid:$service_uid"
  echo "user: $user"
}

run_image() {
  timeout 60 "$engine" run --rm --no-healthcheck --network=host "$@"
}

check_binary() {
  local output status
  output=$(run_image "$image" --version)
  echo "$output"
  # shellcheck source=lean-versions
  source deploy/lean-versions
  [[ $output =~ ^traffic-monitor\ [0-9]+\.[0-9]+\.[0-9]+$'\n'"static OpenSSL $OPENSSL_SOURCE_VERSION, libcurl $CURL_SOURCE_VERSION and CAF $CAF_SOURCE_VERSION, built from Debian bookworm's sources"$ ]] \
    || fail "--version printed '$output'"

  output=$(run_image -e TZ=Asia/Shanghai -e TELEGRAM_BOT_TOKEN="$bot_token" \
             -e TELEGRAM_CHAT_ID="$chat_id" "$image" --check-config) \
    || fail "--check-config refused a valid configuration: $output"
  grep -qx 'TZ=Asia/Shanghai (UTC+08:00)' <<<"$output" || fail "--check-config did not take TZ: $output"
  grep -qx 'DATA_DIR=/data' <<<"$output" || fail "DATA_DIR is not /data: $output"
  ! grep -qF "$bot_token" <<<"$output" || fail "--check-config printed the bot token"
  echo "--check-config accepts a valid configuration"

  status=0
  output=$(run_image -e TELEGRAM_BOT_TOKEN=YOUR_TELEGRAM_BOT_TOKEN \
             -e TELEGRAM_CHAT_ID=YOUR_TELEGRAM_CHAT_ID "$image" --check-config 2>&1) || status=$?
  if [ $status -ne 2 ] || ! grep -q YOUR_TELEGRAM_BOT_TOKEN <<<"$output"; then
    fail "the compose file's placeholders were not refused (exit $status): $output"
  fi
  echo "the placeholders are refused: $output"
}

# The binary as the image holds it, taken from the export of check_image_tree.
extract_binary() {
  tar -xf "$work/image.tar" -C "$work" usr/local/bin/traffic-monitor 2>/dev/null \
    || tar -xf "$work/image.tar" -C "$work" ./usr/local/bin/traffic-monitor
  binary="$work/usr/local/bin/traffic-monitor"
}

# ldd of the image's binary (same glibc here as in the image: both are Debian bookworm's) lists
# exactly the libraries the Dockerfile names in the image's label.
check_binary_libraries() {
  local wanted loaded
  wanted=$("$engine" image inspect -f '{{index .Config.Labels "org.traffic-monitor.shared-libraries"}}' "$image" \
             | tr ' ' '\n' | sort | tr '\n' ' ')
  loaded=$(ldd "$binary" | awk '{ print $1 }' | sed 's|.*/||' | grep -v '^linux-vdso' | sort \
             | tr '\n' ' ')
  [ -n "$wanted" ] && [ "$loaded" = "$wanted" ] \
    || fail "the image's binary loads '$loaded', the Dockerfile says '$wanted'"
  echo "loads only $loaded"
}

# Every end-to-end test, run against the image's binary: a build tree of its own holds the
# test helpers (the fault shim, Prometheus), the binary comes from the image.
check_binary_end_to_end() {
  local tree=build-image-tests
  cmake -S . -B "$tree" -G Ninja -DTMON_E2E_BINARY="$binary" >/dev/null
  cmake --build "$tree" --target fault_shim >/dev/null
  ./dev/fetch-prometheus "$tree/tools"
  ctest --test-dir "$tree" --output-on-failure --no-tests=error -j "$(nproc)" -R '^e2e\.' \
    || fail "the image's binary failed end-to-end tests"
}

# ---- the service ---------------------------------------------------------------------------

start_fake_telegram() {
  python3 tests/e2e/fake_telegram.py --record "$work/sent.jsonl" --port-file "$work/port" \
    --lifetime 900 &
  fake_telegram_pid=$!
  wait_until "the fake Telegram server" 20 test -s "$work/port"
  echo "fake Telegram on 127.0.0.1:$(cat "$work/port")"
}

# The env file users keep next to the compose file, here with a short interval so that samples
# follow quickly, English messages, a zone that needs the zone files, and the public address
# given so that nothing is looked up outside this machine.
write_env_file() {
  cat >"$work/check.env" <<EOF
TELEGRAM_BOT_TOKEN=$bot_token
TELEGRAM_CHAT_ID=$chat_id
TELEGRAM_API_BASE=http://127.0.0.1:$(cat "$work/port")
MESSAGE_LANG=en
CHECK_INTERVAL_SECONDS=5
TZ=Asia/Shanghai
PUBLIC_IP=203.0.113.7
EOF
}

start_service() {
  # A run that was killed may have left its service behind.
  "${service_compose[@]}" down --volumes --timeout 5 >/dev/null 2>&1 || true
  service_started=yes
  timeout 180 "${service_compose[@]}" up -d --no-build
  container=$("${service_compose[@]}" ps -q traffic-monitor)
  [ -n "$container" ] || fail "compose started no container"
}

telegram_received_start_message() {
  python3 - "$work/sent.jsonl" "$bot_token" "$chat_id" "$started_text" <<'EOF'
import json, sys
record, token, chat_id, text = sys.argv[1:]
for line in open(record, encoding="utf-8"):
    call = json.loads(line)
    if (call["path"] == f"/bot{token}/sendMessage" and call["body"].get("chat_id") == int(chat_id)
            and text in call["body"].get("text", "")):
        sys.exit(0)
sys.exit(1)
EOF
}

log_shows() {
  "$engine" logs "$container" 2>&1 | grep -qF "$1"
}

check_service_runs() {
  wait_until "the start-up message at the fake Telegram server" 60 telegram_received_start_message
  echo "Telegram received: $(head -n 1 "$work/sent.jsonl")"
  wait_until "the start-up message in $engine logs" 30 log_shows "$started_text"
  echo "$engine logs shows: $("$engine" logs "$container" 2>&1 | grep -F "$started_text" | head -1)"

  local settings
  settings=$("$engine" inspect -f '{{.State.Status}} restarts={{.RestartCount}} network={{.HostConfig.NetworkMode}} restart={{.HostConfig.RestartPolicy.Name}} read-only={{.HostConfig.ReadonlyRootfs}} log={{.HostConfig.LogConfig.Type}}' "$container")
  echo "$settings"
  [[ $settings == "running restarts=0 network=host restart=unless-stopped read-only=true "* ]] \
    || fail "the service does not run as the compose file says: $settings"

  local pid uid
  pid=$("$engine" inspect -f '{{.State.Pid}}' "$container")
  uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
  [ "$uid" = "$service_uid" ] || fail "the service runs as uid $uid"
  echo "the service runs as uid $uid"
}

check_service_healthy() {
  # podman schedules healthchecks with systemd timers; without systemd they run on demand.
  if [ "$engine" = podman ]; then
    wait_until "a passing healthcheck" 60 podman healthcheck run "$container"
  else
    wait_until "the healthy state" 120 \
      test "$(docker inspect -f '{{.State.Health.Status}}' "$container")" = healthy
  fi
  echo "healthcheck passes"

  wait_until "no message waiting for delivery in the state file" 30 no_message_pending
  local status
  status=$(service_status)
  echo "status: $status"
  python3 - "$status" "$(awk '$2 == "00000000" { print $1; exit }' /proc/net/route)" <<'EOF' \
    || fail "the service's status is not as expected"
import json, sys
status, host_route = json.loads(sys.argv[1]), sys.argv[2]
problems = []
if not status["cycle_start"].endswith("+08:00"):
    problems.append(f"cycle_start {status['cycle_start']} is not in Asia/Shanghai time")
# Host networking: the container sees the host's routes and counts the host's interface.
if host_route and status["interfaces"] != [host_route]:
    problems.append(f"counts {status['interfaces']}, not the host's default route {host_route}")
sys.exit("\n".join(problems) or None)
EOF
}

service_status() {
  "$engine" exec "$container" traffic-monitor status --json
}

no_message_pending() {
  service_status | python3 -c 'import json, sys; sys.exit(json.load(sys.stdin)["events_pending"])'
}

# SIGTERM must reach the program, which then saves a last sample and exits 0; a program that
# ignored it would be killed at the timeout and exit 137.
check_clean_stop() {
  "${service_compose[@]}" stop --timeout 20
  local exit_code
  exit_code=$("$engine" inspect -f '{{.State.ExitCode}}' "$container")
  [ "$exit_code" = 0 ] || fail "the service exited with $exit_code on docker stop"
  log_shows "[main] stopped" || fail "the log does not show the stop"
  echo "stopped cleanly"
  "${service_compose[@]}" down --volumes --timeout 5
  service_started=
}

# ---- run -----------------------------------------------------------------------------------

started=$SECONDS
step "engine" provide_engine
command -v python3 >/dev/null || apt_install python3
prepare_service_compose
step "compose file" validate_compose_file
step "build" build_image
step "image size" report_size
step "image contents" check_image_tree
step "image user" check_image_config
step "binary" check_binary
extract_binary
step "binary's libraries" check_binary_libraries
step "binary end to end" check_binary_end_to_end
step "fake Telegram" start_fake_telegram
write_env_file
step "engine API" start_engine_api
step "compose up" start_service
step "service running" check_service_runs
step "service healthy" check_service_healthy
step "clean stop" check_clean_stop
echo "=== deploy check passed in $((SECONDS - started))s"
printf '  %s\n' "${step_times[@]}"
print_size
