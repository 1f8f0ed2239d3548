# syntax=docker/dockerfile:1
# The image of every service: SERVICE names its workspace folder. The build context is the
# repository root (lockfile, platform kit, tsconfig.base.json):
#   docker build --build-arg SERVICE=user-service -t microshop/user-service:latest .
# Stages: workspace (lockfile and every package.json), deps (production node_modules of SERVICE
# and the platform kit only), build (all dependencies, Prisma client, tsc -b), runtime (Node's
# binary on slim Debian, deps, compiled output). Target < 250 MB.
# Bases: the official Debian-based images on a machine that can pull them; on ours (no registry)
# scripts/local-base-images.sh makes images of exactly these names from Debian's and npm's
# packages, so the same file builds there without pulling anything.
# A TLS-intercepting proxy between the build and the npm registry: pass its CA bundle as the
# build secret npm_ca (`--secret id=npm_ca,src=/etc/ssl/certs/ca-certificates.crt`); it is mounted
# for npm ci only and never lands in a layer. NPM_CONFIG_REGISTRY (build argument) names another
# registry or mirror.
# What differs between services is read from the service's folder, never written here: its port
# from src/config.ts, whether it migrates from dist/scripts/migrate.js.

# Debian release pinned on both sides: the runtime stage copies this image's glibc build of node.
ARG NODE_IMAGE=node:24-bookworm-slim
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${NODE_IMAGE} AS workspace
ARG SERVICE
WORKDIR /app
# Every workspace's package.json: npm ci checks the lockfile against the whole workspace list,
# even when it installs only some workspaces. A new workspace adds its line here.
COPY package.json package-lock.json ./
COPY platform/package.json platform/
COPY user-service/package.json user-service/
COPY catalog-service/package.json catalog-service/
COPY order-service/package.json order-service/
COPY payment-service/package.json payment-service/
COPY notification-service/package.json notification-service/
COPY api-gateway/package.json api-gateway/
RUN [ -n "${SERVICE}" ] && [ "${SERVICE}" != platform ] && [ -f "${SERVICE}/package.json" ] \
 || { echo "SERVICE must name a service workspace: docker build --build-arg SERVICE=user-service ." >&2; exit 1; }

FROM workspace AS deps
ARG SERVICE
ARG NPM_CONFIG_REGISTRY=https://registry.npmjs.org/
# --omit=optional as well: the prisma CLI is an optional peer of @prisma/client and would
# otherwise land here (~250 MB with its engines and studio). --ignore-scripts: the services'
# postinstall runs prisma generate, which is the build stage's job.
RUN --mount=type=cache,target=/root/.npm --mount=type=secret,id=npm_ca \
    { [ ! -s /run/secrets/npm_ca ] || export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; } \
 && npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund --no-update-notifier \
      --workspace platform --workspace ${SERVICE}
# Node never loads these at run time: source maps, type declarations, docs, the packages' own
# test files, and the Prisma query compilers of other databases and of the "fast" variant (the
# generated client imports only @prisma/client/runtime/query_compiler_small_bg.postgresql.*; the
# runtime stage checks that).
# A workspace's own node_modules holds what npm could not hoist (versions that differ from the
# root's); made to exist for every workspace so that the runtime stage copies the same paths.
RUN mkdir -p platform/node_modules ${SERVICE}/node_modules \
 && find node_modules platform/node_modules ${SERVICE}/node_modules -type f \( -name '*.map' -o -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.md' -o -name '*.test.js' -o -name '*.spec.js' \) -delete \
 && find node_modules/@prisma/client/runtime -type f -name 'query_compiler_*' \
      ! -name 'query_compiler_small_bg.postgresql.js' \
      ! -name 'query_compiler_small_bg.postgresql.wasm-base64.js' -delete

FROM workspace AS build
ARG SERVICE
ARG NPM_CONFIG_REGISTRY=https://registry.npmjs.org/
COPY tsconfig.base.json ./
# Root dev dependencies (TypeScript, @types) and the workspace's own (prisma CLI) for the build.
RUN --mount=type=cache,target=/root/.npm --mount=type=secret,id=npm_ca \
    { [ ! -s /run/secrets/npm_ca ] || export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; } \
 && npm ci --ignore-scripts --no-audit --no-fund --no-update-notifier \
      --include-workspace-root --workspace platform --workspace ${SERVICE}
COPY platform/ platform/
COPY ${SERVICE}/ ${SERVICE}/
# Database services generate their Prisma client into src/generated, compiled with the rest (no
# schema engine needed: the package script points PRISMA_SCHEMA_ENGINE_BINARY at /dev/null); the
# gateway has no generate script. A service without a database gets an empty prisma/migrations,
# so that the runtime stage copies the same paths for every service. Then out of dist goes what
# Node never loads: source maps, type declarations, build info, and the platform's test kit.
RUN npm run generate --workspace ${SERVICE} --if-present \
 && node_modules/.bin/tsc -b ${SERVICE} \
 && mkdir -p ${SERVICE}/prisma/migrations \
 && rm -rf platform/dist/testing \
 && find platform/dist ${SERVICE}/dist -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.tsbuildinfo' \) -delete

# Node's own binary on slim Debian (glibc and libstdc++ are in it already): the node image's npm,
# yarn and corepack are not needed to run a service (and are never loaded). No compilers, no
# package manager runs here.
FROM ${RUNTIME_IMAGE} AS runtime
ARG SERVICE
# The user's entries written directly: the slim base made from Debian's essential packages has
# no useradd.
RUN echo 'node:x:1000:' >> /etc/group \
 && echo 'node:x:1000:1000::/nonexistent:/usr/sbin/nologin' >> /etc/passwd
COPY --from=build /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
# Production node_modules (workspace links to platform/ and the service included), then only the
# package files and compiled output of the two workspaces, and the migrations. Everything stays
# owned by root: the service cannot rewrite its own code.
COPY --from=deps /app/node_modules node_modules
COPY --from=deps /app/package.json ./
COPY --from=deps /app/platform/node_modules platform/node_modules
COPY --from=deps /app/${SERVICE}/node_modules ${SERVICE}/node_modules
COPY --from=build /app/platform/package.json platform/
COPY --from=build /app/platform/dist platform/dist
# The platform's own migrations (the outbox and inbox), which a service's migrate command applies too.
COPY --from=build /app/platform/migrations platform/migrations
COPY --from=build /app/${SERVICE}/package.json ${SERVICE}/
COPY --from=build /app/${SERVICE}/dist ${SERVICE}/dist
COPY --from=build /app/${SERVICE}/prisma/migrations ${SERVICE}/prisma/migrations
WORKDIR /app/${SERVICE}
# Fails the build if the trimming above removed a file the compiled code imports.
RUN node -e "const fs = require('node:fs'); for (const f of fs.readdirSync('dist', { recursive: true })) if (f.endsWith('.js')) for (const [m] of fs.readFileSync('dist/' + f, 'utf8').matchAll(/@prisma\/client\/runtime\/[\w.-]+/g)) require.resolve(m)"

# Inside a container the network namespace is the boundary: listen on every interface of it
# (the default, 127.0.0.1, is for running on a machine as a process). No PORT and no EXPOSE:
# the service listens on the default of its src/config.ts unless a deployment sets PORT.
# The young generation capped at 16 MB per semi-space, as scripts/stack-lib.cjs starts the
# services (NODE_FLAGS): V8 otherwise grows it to 128 MB under load and keeps it (RSS > 300 MB).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    NODE_OPTIONS=--max-semi-space-size=16
USER 1000:1000
# No curl in slim Debian: Node's fetch does it, on the port the service's own config resolves
# (PORT, else its default). The gateway names its schema gatewayConfigSchema.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const c = require('./dist/config.js'); const port = (c.configSchema ?? c.gatewayConfigSchema).shape.PORT.parse(process.env.PORT); fetch('http://127.0.0.1:' + port + '/health', { signal: AbortSignal.timeout(4000) }).then((res) => process.exit(res.ok ? 0 : 1), () => process.exit(1))"]
# Migrations first (database services: those whose build has dist/scripts/migrate.js), then the
# service; `exec` replaces the shell so node receives SIGTERM itself. migrate() of the platform
# kit runs the SQL of prisma/migrations over plain pg: no Prisma schema engine binary in the image
# and no download at start, so it works in offline clusters too; it takes Prisma's advisory lock,
# so replicas starting together apply each migration once. A failed migration stops the start.
# (Kubernetes runs the same script as an init container and starts node dist/main.js directly.)
CMD ["sh", "-c", "if [ -f dist/scripts/migrate.js ]; then node dist/scripts/migrate.js || exit; fi; exec node dist/main.js"]
