#!/usr/bin/env bash
# CI's container step (the full ./run compose-test takes too long for CI, README "Running in
# containers"): the base images (made when missing), the gateway's image built from the
# Dockerfile with --pull=never, then run as the deployments run it (read-only root file system,
# no capabilities, no network): it must answer /health as user 1000, and the image must carry no
# source maps, tests or compilers. Removes its container on exit, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node24.sh
source scripts/podman/env.sh
name="microshop-smoke-$$"
trap 'podman rm -f -t 5 "$name" >/dev/null 2>&1 || true; podman rm -f "$name" >/dev/null 2>&1 || true' EXIT
scripts/build-images.sh podman api-gateway
secret=$(node -e "console.log(require('node:crypto').randomBytes(24).toString('hex'))")
podman run -d --name "$name" --network none --read-only --tmpfs /tmp --cap-drop ALL \
  -e JWT_SECRET="$secret" -e GATEWAY_TOKEN="$secret" docker.io/microshop/api-gateway:latest >/dev/null 2>&1
for _ in $(seq 60); do
  podman exec "$name" node -e "fetch('http://127.0.0.1:3000/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" 2>/dev/null && break
  sleep 2
done
podman exec "$name" node -e "fetch('http://127.0.0.1:3000/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" 2>/dev/null \
  || { echo "container-smoke: the gateway never answered /health" >&2; podman logs --tail 20 "$name" >&2; exit 1; }
uid=$(podman exec "$name" id -u 2>/dev/null)
[ "$uid" = 1000 ] || { echo "container-smoke: runs as uid $uid, 1000 expected" >&2; exit 1; }
found=$(podman exec "$name" sh -c 'find /app /usr/local \( -name "*.map" -o -name "*.test.js" -o -name "*.spec.js" \) | head -3; for c in gcc cc g++ make npm apk; do command -v $c; done' 2>/dev/null || true)
[ -z "$found" ] || { echo "container-smoke: the image carries $found" >&2; exit 1; }
echo "container-smoke: pass: microshop/api-gateway answers /health as uid 1000 on a read-only root, no maps, tests or compilers" >&2
