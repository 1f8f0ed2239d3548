#!/usr/bin/env bash
# Builds every service image from the one Dockerfile: microshop/<service>:latest.
#   docker (a working engine): docker build with BuildKit, official base images
#   podman (otherwise): the base images of scripts/local-base-images.sh, made when missing;
#                       --pull=never, so the build fetches nothing but npm packages
# The host's CA bundle goes in as the build secret npm_ca (a TLS-intercepting proxy sits between
# these machines and the npm registry); it is mounted for npm ci only, never kept in a layer.
# Prints the build time of each image and the size of each.
# Usage: scripts/build-images.sh [docker|podman] [service...]
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${1:-}
[ -n "$engine" ] || { if docker info >/dev/null 2>&1; then engine=docker; else engine=podman; fi; }
shift || true
services=("$@")
[ ${#services[@]} -gt 0 ] || services=(api-gateway user-service catalog-service order-service payment-service notification-service)

args=()
ca=/etc/ssl/certs/ca-certificates.crt
[ -s "$ca" ] && args+=(--secret "id=npm_ca,src=$ca")
registry=$(npm config get registry 2>/dev/null || true)
[ -n "$registry" ] && args+=(--build-arg "NPM_CONFIG_REGISTRY=$registry")

if [ "$engine" = podman ]; then
  source scripts/podman/env.sh
  scripts/local-base-images.sh
  # docker format: OCI images would drop the HEALTHCHECK.
  args+=(--pull=never --format docker --layers)
  prefix=docker.io/
else
  export DOCKER_BUILDKIT=1
  prefix=
fi

for service in "${services[@]}"; do
  start=$SECONDS
  "$engine" build --quiet "${args[@]}" --build-arg "SERVICE=$service" -t "${prefix}microshop/$service:latest" . >/dev/null
  echo "built microshop/$service:latest in $((SECONDS - start)) s" >&2
done
for service in "${services[@]}"; do
  "$engine" image inspect --format "{{.Size}}" "${prefix}microshop/$service:latest" \
    | awk -v s="$service" '{ printf "image microshop/%s:latest %.0f MB\n", s, $1 / 1000000 }' >&2
done
