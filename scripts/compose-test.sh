#!/usr/bin/env bash
# ./run compose-test: the compose stack for real, on this machine.
#   1. builds every image (scripts/build-images.sh: Docker when an engine answers, else podman
#      from local base images, pulling nothing);
#   2. brings docker-compose.yml up under a project name of its own, with the `mail` profile
#      (an SMTP sink in Mailpit's place) and, on podman, the databases/broker/Redis from the local
#      infra image; podman serves the Docker API on a socket of its own to Debian's
#      docker-compose 1.29; published ports only on 127.0.0.1, on free host ports;
#   3. waits for every service to be healthy, seeds the catalog, walks the shop through the
#      gateway's published port (scripts/compose-test/walk.mjs), checks the mails reached the
#      sink and that every service logs JSON;
#   4. tears everything down with its volumes and networks (also on failure or Ctrl-C), and
#      checks nothing is left: containers, pods, networks, volumes, the podman API service.
# Exit status 0 only when every step passed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node24.sh
started=$SECONDS
say() { echo "compose-test: $*" >&2; }

if docker info >/dev/null 2>&1; then engine=docker; else engine=podman; fi
project="microshopct$$"
work=$(mktemp -d /tmp/microshop-compose-test.XXXXXX)
files=(-f docker-compose.yml -f scripts/compose-test/compose.mail-sink.yml)
service_pid=
health_pid=
step_pid=
# A long step in the background: bash runs the trap at once on TERM/INT instead of after it.
step() { "$@" & step_pid=$!; wait "$step_pid"; }

if [ "$engine" = podman ]; then
  source scripts/podman/env.sh
  files+=(-f scripts/compose-test/compose.local-infra.yml)
  compose() { DOCKER_HOST="unix://$work/podman.sock" timeout "${COMPOSE_STEP_TIMEOUT:-600}" docker-compose -p "$project" --env-file "$work/env" "${files[@]}" --profile mail "$@"; }
else
  compose() { timeout "${COMPOSE_STEP_TIMEOUT:-600}" docker compose -p "$project" --env-file "$work/env" "${files[@]}" --profile mail "$@"; }
fi

# What the project left behind, one line per object (empty: nothing).
leftovers() {
  local label="label=com.docker.compose.project=$project"
  "$engine" ps -a --filter "$label" --format 'container {{.Names}}'
  "$engine" network ls --filter "$label" --format 'network {{.Name}}'
  "$engine" volume ls --filter "$label" --format 'volume {{.Name}}'
  if [ "$engine" = podman ]; then
    podman pod ls --filter "label=com.docker.compose.project=$project" --format 'pod {{.Name}}'
    if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then echo "podman-service $service_pid"; fi
  fi
  return 0
}

teardown() {
  local status=$?
  trap - EXIT INT TERM
  say "tearing down $project"
  [ -z "$step_pid" ] || kill "$step_pid" 2>/dev/null || true
  if [ -f "$work/env" ]; then
    COMPOSE_STEP_TIMEOUT=180 compose down --volumes --remove-orphans --timeout 20 >"$work/down.log" 2>&1 \
      || { say "compose down failed:"; tail -20 "$work/down.log" >&2; }
  fi
  # Whatever compose down missed (a failed up), by the project's label.
  local label="label=com.docker.compose.project=$project"
  "$engine" ps -aq --filter "$label" | xargs -r "$engine" rm -f -t 5 >/dev/null 2>&1 || true
  "$engine" network ls -q --filter "$label" | xargs -r "$engine" network rm >/dev/null 2>&1 || true
  "$engine" volume ls -q --filter "$label" | xargs -r "$engine" volume rm -f >/dev/null 2>&1 || true
  if [ -n "$health_pid" ]; then
    kill "$health_pid" 2>/dev/null || true
    wait "$health_pid" 2>/dev/null || true
  fi
  if [ -n "$service_pid" ]; then
    kill "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
  local left
  left=$(leftovers)
  if [ -n "$left" ]; then
    say "LEFT BEHIND:"; echo "$left" >&2; status=1
  else
    say "nothing left behind (containers, pods, networks, volumes of $project; podman service stopped)"
  fi
  rm -rf "$work"
  say "finished in $((SECONDS - started)) s: $([ $status -eq 0 ] && echo PASSED || echo FAILED)"
  exit $status
}
trap teardown EXIT
trap 'exit 130' INT TERM

# A free port on loopback (nothing else on the machine is ever addressed).
free_port() { node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"; }

say "engine $engine, project $project"
build_start=$SECONDS
# --no-build: the images of an earlier build (a rerun after a fix outside the images).
[ "${1:-}" = --no-build ] || step scripts/build-images.sh "$engine"
say "images built in $((SECONDS - build_start)) s"

gateway_port=$(free_port)
{
  # Every variable of .env.example, with a fresh random value (secrets and passwords).
  grep -E '^[A-Z_]+=' .env.example | grep -v -E '^(COMPOSE_PROFILES|OTEL_EXPORTER_OTLP_ENDPOINT|LOG_LEVEL)=' \
    | while IFS== read -r name _; do echo "$name=$(node -e "console.log(require('node:crypto').randomBytes(24).toString('hex'))")"; done
  echo "LOG_LEVEL=info"
  echo "GATEWAY_PORT=$gateway_port"
  echo "RABBITMQ_UI_PORT=$(free_port)"
  echo "MAILPIT_UI_PORT=$(free_port)"
} >"$work/env"

if [ "$engine" = podman ]; then
  podman system service --time=0 "unix://$work/podman.sock" >"$work/podman-service.log" 2>&1 &
  service_pid=$!
  for _ in $(seq 50); do [ -S "$work/podman.sock" ] && break; sleep 0.2; done
  [ -S "$work/podman.sock" ] || { say "the podman API service did not start"; cat "$work/podman-service.log" >&2; exit 1; }
  # podman runs healthchecks from systemd timers, and there is no systemd here: without this
  # loop every health status stays "starting" and compose would wait for ever.
  (
    while sleep 4; do
      for c in $(podman ps -q --filter "label=com.docker.compose.project=$project"); do
        podman healthcheck run "$c" >/dev/null 2>&1 || true
      done
    done
  ) &
  health_pid=$!
fi

up_start=$SECONDS
say "compose up (gateway on 127.0.0.1:$gateway_port)"
if ! step compose up -d --no-build >"$work/up.log" 2>&1; then
  say "compose up failed:"; tail -30 "$work/up.log" >&2
  compose ps >&2 || true
  for c in $("$engine" ps -a --filter "label=com.docker.compose.project=$project" --format '{{.Names}}'); do
    echo "--- $c" >&2; "$engine" logs --tail 15 "$c" >&2 2>&1 || true
  done
  exit 1
fi
# compose up returns once the dependencies were healthy; the gateway itself too:
for _ in $(seq 90); do
  curl -fsS "http://127.0.0.1:$gateway_port/ready" >/dev/null 2>&1 && break; sleep 2
done
curl -fsS "http://127.0.0.1:$gateway_port/ready" >/dev/null || { say "the gateway never became ready"; exit 1; }
say "stack healthy in $((SECONDS - up_start)) s"
compose exec -T catalog-service node dist/scripts/seed-catalog.js >"$work/seed.log" 2>&1 \
  || { say "seeding the catalog failed:"; tail -10 "$work/seed.log" >&2; exit 1; }

walk_start=$SECONDS
step timeout 180 node scripts/compose-test/walk.mjs "http://127.0.0.1:$gateway_port" "$work/walk.json"
say "walk in $((SECONDS - walk_start)) s"

container_of() { "$engine" ps -a --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -1; }

# The mails of the walk's customer, as the sink received them.
email=$(node -p "require('$work/walk.json').email")
mails=$("$engine" logs "$(container_of mailpit)" 2>&1 | grep -c -F "\"$email\"" || true)
[ "$mails" -eq 2 ] || { say "FAIL: $mails mails to the customer reached the sink, 2 expected"; exit 1; }
say "pass: 2 mails to the customer reached the sink (order created, order paid)"

# Every line every service wrote is one JSON object with a level (the platform's logger).
for service in api-gateway user-service catalog-service order-service payment-service notification-service; do
  "$engine" logs "$(container_of "$service")" >"$work/$service.log" 2>&1
  node -e "
    const lines = require('node:fs').readFileSync(process.argv[1], 'utf8').split('\n').filter(Boolean);
    const bad = lines.filter((l) => { try { const o = JSON.parse(l); return typeof o !== 'object' || o === null || !('level' in o); } catch { return true; } });
    if (lines.length === 0 || bad.length) { console.error(process.argv[2] + ': ' + bad.length + ' of ' + lines.length + ' log lines are not JSON, e.g. ' + bad[0]); process.exit(1); }
    console.error('compose-test: pass: ' + process.argv[2] + ' logged ' + lines.length + ' lines, all JSON');
  " "$work/$service.log" "$service"
done
say "traces: not checked (the observability profile's Jaeger has no local image; the profile stays off)"
