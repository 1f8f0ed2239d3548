// The system under test, started for one run: an smtp sink, its own databases, its own exchange
// and ports shifted by 9000-9490, the six services started one at a time and timed to ready.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './run-context.mjs';
import { startSink } from './smtp-sink.mjs';
import { round } from './stats.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');
const stack = require('../../scripts/stack-lib.cjs');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every service, dependencies first; each is started and timed alone in this order. */
export const START_ORDER = ['user-service', 'catalog-service', 'order-service', 'payment-service', 'notification-service', 'api-gateway'];

/** Why this checkout cannot be benchmarked (a service missing or not built), or null. */
export function whyNotRunnable() {
  const present = new Set(stack.SERVICES.map((s) => s.name));
  const missing = START_ORDER.filter((name) => !present.has(name));
  if (missing.length) return `the benchmark needs all six services; missing (no src/main.ts): ${missing.join(', ')}`;
  const unbuilt = [...START_ORDER.map((name) => `${name}/dist/main.js`), 'platform/dist/data/index.js'].filter((file) => !existsSync(path.join(root, file)));
  if (unbuilt.length) return `not built: ${unbuilt.join(', ')}. Run \`npx tsc -b\` first (npm run bench does).`;
  return null;
}

// Service variables taken from the caller's environment (and listed in the report).
const INHERITED = ['DATABASE_POOL_MAX', 'CONSUMER_PREFETCH', 'OUTBOX_POLL_INTERVAL_MS', 'RETRY_DELAYS_MS', 'UPSTREAM_TIMEOUT_MS', 'USER_SERVICE_TIMEOUT_MS', 'BREAKER_ERROR_THRESHOLD_PERCENT', 'BREAKER_VOLUME_THRESHOLD', 'BREAKER_RESET_TIMEOUT_MS', 'BREAKER_WINDOW_MS', 'UV_THREADPOOL_SIZE', 'NODE_OPTIONS', 'OTEL_EXPORTER_OTLP_ENDPOINT'];

/**
 * Starts the sink, creates and migrates the databases, then starts the services one by one,
 * each timed from spawn to its first 200 from /ready. Everything started is in run.owned.
 * Returns { services, byName, pids, footprint, sink, portOffset, gatewayUrl, db }.
 */
export async function startSystem(run) {
  const { plan, result, log } = run;
  const sink = await startSink(run);
  // 3009: nginx (case 1); 3011-3013: case 5's second order-service and its two extra gateways.
  const portOffset = await chooseOffset([3009, 3011, 3012, 3013]);
  const inherited = Object.fromEntries(INHERITED.filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]]));
  const benchEnv = {
    JWT_SECRET: randomBytes(32).toString('hex'),
    GATEWAY_TOKEN: randomBytes(32).toString('hex'),
    EVENTS_EXCHANGE: run.exchange,
    PROCESSOR_LATENCY_MS: '0',
    // The gateway's limiter still runs on every request; it just never says no during the run.
    RATE_LIMIT_MAX: '1000000000',
    LOGIN_RATE_LIMIT_MAX: '1000000000',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(sink.port),
    LOG_LEVEL: plan.logLevel,
    // Only registration and login hash passwords; both are set-up here, never measured.
    PASSWORD_SCRYPT_N: '1024',
    PASSWORD_SCRYPT_P: '1',
    ACCESS_TOKEN_TTL_SECONDS: '3600',
    SHUTDOWN_TIMEOUT_MS: '5000',
  };
  const services = stack.stackEnvironment({ databasePrefix: run.databasePrefix, portOffset, rabbitmqUrl: run.rabbitmqUrl, postgresUrl: run.postgresUrl, env: benchEnv });
  run.owned.services = services;
  const byName = Object.fromEntries(services.map((s) => [s.name, s]));
  const profileDir = plan.profile.length ? path.resolve(plan.profileDir ?? path.join(tmpdir(), `microshop-bench-profiles-${run.id}`)) : undefined;
  for (const name of plan.profile) {
    mkdirSync(profileDir, { recursive: true });
    byName[name].env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${profileDir} --cpu-prof-name=${name}.cpuprofile`.trim();
  }
  const { JWT_SECRET: _jwt, GATEWAY_TOKEN: _gateway, ...shownEnv } = benchEnv;
  Object.assign(result.run.settings, {
    exchange: run.exchange,
    databasePrefix: run.databasePrefix,
    portOffset,
    serviceEnv: { ...shownEnv, SMTP_PORT: '(sink)' },
    inheritedFromEnvironment: inherited,
    connections: plan.connections,
    warmupS: plan.warmupS,
    measureS: plan.measureS,
    users: plan.users,
    profiled: plan.profile,
    profileDir,
  });
  log(`run ${run.id}: ${plan.mode}, exchange ${run.exchange}, databases ${run.databasePrefix}*, ports +${portOffset}`);
  result.run.postgres = await postgresSettings(run.postgresUrl);

  log('creating and migrating the databases');
  await stack.prepareDatabases(services);
  run.checkAbort();

  // One at a time in dependency order, so each ready time is the service's own, not a share of a crowded start.
  const footprint = { services: {}, peakRssMb: {}, cpuPercentDuringCase2: undefined };
  for (const name of START_ORDER) {
    const service = byName[name];
    const since = performance.now();
    const child = stack.startService(service, run.onServiceLine);
    run.owned.children.push({ name, child });
    // A process that cannot even be spawned emits 'error' (not 'exit'); unheard, it would end the run without its clean-up.
    child.once('error', (error) => run.stop(`${name} could not be started: ${error.message}`));
    child.once('exit', (code, signal) => {
      if (!run.cleaning) run.stop(`${name} exited unexpectedly (${code ?? signal}): ${run.serviceLogs.get(name)?.last.slice(-3).join(' | ') ?? ''}`);
    });
    const readyMs = await timeToReady(run, service, child, since);
    footprint.services[name] = { pid: child.pid, readyMs };
    log(`${name} ready in ${readyMs} ms (pid ${child.pid}, port ${service.port})`);
  }
  // The processes whose CPU every measured window reports (case 1 adds nginx).
  const pids = Object.fromEntries(START_ORDER.map((name) => [name, footprint.services[name].pid]));
  pids.bench = process.pid;
  pids['smtp-sink'] = sink.pid;
  return {
    services,
    byName,
    pids,
    footprint,
    sink,
    portOffset,
    gatewayUrl: `http://127.0.0.1:${byName['api-gateway'].port}`,
    db: {
      orders: run.pool(byName['order-service'].env.DATABASE_URL),
      payments: run.pool(byName['payment-service'].env.DATABASE_URL),
      notifications: run.pool(byName['notification-service'].env.DATABASE_URL),
    },
  };
}

/** The PostgreSQL settings that move every figure (the report prints them). */
async function postgresSettings(postgresUrl) {
  const postgres = new pg.Client({ connectionString: postgresUrl });
  await postgres.connect();
  const pgInfo = await postgres.query(`SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sc, current_setting('max_connections') AS mc`);
  await postgres.end();
  return { version: pgInfo.rows[0].version, fsync: pgInfo.rows[0].fsync, synchronousCommit: pgInfo.rows[0].sc, maxConnections: Number(pgInfo.rows[0].mc) };
}

/** Polls /ready every 10 ms; resolves with ms since `since`; rejects when the child exits or after timeoutMs. */
async function timeToReady(run, service, child, since, timeoutMs = 30_000) {
  const deadline = since + timeoutMs;
  for (;;) {
    run.checkAbort();
    if (child.exitCode !== null || child.signalCode !== null) {
      const logs = run.serviceLogs.get(service.name)?.last.slice(-10).join('\n') ?? '';
      throw new Error(`${service.name} exited (${child.exitCode ?? child.signalCode}) before it was ready\n${logs}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${service.port}/ready`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return round(performance.now() - since, 0);
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${service.name} was not ready within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** A port offset (9000-9490, step 10) at which every service port and `extraPorts` are free. */
async function chooseOffset(extraPorts) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const offset = 9000 + Math.floor(Math.random() * 50) * 10;
    const ports = [...stack.SERVICES.map((s) => s.port + offset), ...extraPorts.map((p) => p + offset)];
    if (await portsFree(ports)) return offset;
  }
  throw new Error('no free block of ports found for the services (tried 20 offsets)');
}

async function portsFree(ports) {
  for (const port of ports) {
    const free = await new Promise((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}
