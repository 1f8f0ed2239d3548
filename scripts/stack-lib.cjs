// The local stack as plain processes: what `npm run stack` and the end-to-end tests share.
'use strict';
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { existsSync } = require('node:fs');
const path = require('node:path');
const { createInterface } = require('node:readline');

const root = path.resolve(__dirname, '..');

/**
 * Every service of the system: folder, port, its own database (if any), whether it calls or
 * is called by another service (then it holds the service token, which the gateway never does),
 * and the script that fills an empty database with sample data (run after the migrations).
 */
const SERVICES = [
  { name: 'user-service', port: 3001, database: 'users', serviceCalls: true },
  { name: 'catalog-service', port: 3005, database: 'catalog', serviceCalls: true, seed: 'dist/scripts/seed-catalog.js' },
  { name: 'order-service', port: 3002, database: 'orders', serviceCalls: true },
  { name: 'payment-service', port: 3003, database: 'payments' },
  { name: 'notification-service', port: 3004, database: 'notifications' },
  { name: 'api-gateway', port: 3000 },
].filter((service) => existsSync(path.join(root, service.name, 'src/main.ts')));

const UPSTREAM_URL_VARIABLES = {
  'user-service': 'USER_SERVICE_URL',
  'catalog-service': 'CATALOG_SERVICE_URL',
  'order-service': 'ORDER_SERVICE_URL',
  'payment-service': 'PAYMENT_SERVICE_URL',
  'notification-service': 'NOTIFICATION_SERVICE_URL',
};

/** How far apart the ports of a service's replicas are: replica k listens on its port + 100 * (k - 1). */
const REPLICA_PORT_STEP = 100;

/**
 * The environment of each process. Secrets are random per stack unless given, so nothing
 * secret is committed; ports and database names can be shifted (tests run beside a stack).
 *
 * `replicas` (default 1) runs that many copies of every service behind the gateway and
 * `gateways` (default 1) that many gateways: one entry per process, each on its own port
 * (+100 per copy), the copies of a service sharing its database. A service's URL variable
 * (ORDER_SERVICE_URL...) then lists every copy, comma-separated; the gateways and
 * order-service balance across them. Each entry names its copy: `replica` (1, 2...) and
 * `instance` (`order-service`, then `order-service#2`...). With one copy of everything the
 * entries are those of the plain stack.
 */
function stackEnvironment(options = {}) {
  const postgres = options.postgresUrl ?? process.env.STACK_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const prefix = options.databasePrefix ?? 'microshop_';
  const portOffset = options.portOffset ?? 0;
  const replicas = positiveCount(options.replicas ?? 1, 'replicas');
  const gateways = positiveCount(options.gateways ?? 1, 'gateways');
  const copiesOf = (service) => (service.name === 'api-gateway' ? gateways : replicas);
  const portOf = (service, replica) => service.port + portOffset + REPLICA_PORT_STEP * (replica - 1);
  const serviceToken = process.env.SERVICE_TOKEN ?? randomBytes(32).toString('hex');
  const shared = {
    // Every process listens on this machine only: the gateway's limits cannot be walked around.
    HOST: '127.0.0.1',
    JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(32).toString('hex'),
    GATEWAY_TOKEN: process.env.GATEWAY_TOKEN ?? randomBytes(32).toString('hex'),
    RABBITMQ_URL: options.rabbitmqUrl ?? process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    // With copies to fall back on, a stopping process first fails /ready for a second while it
    // still serves: the gateways (polling /ready every 250 ms) stop sending to it before it closes.
    ...(replicas > 1 || gateways > 1 ? { SHUTDOWN_DRAIN_MS: '1000' } : {}),
    // Several gateways count their rate limits together in Redis (the development machine's, or
    // REDIS_URL); one gateway counts in its own memory unless REDIS_URL is given.
    ...(gateways > 1 || process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' } : {}),
    ...options.env,
  };
  for (const service of SERVICES) {
    const variable = UPSTREAM_URL_VARIABLES[service.name];
    if (!variable) continue;
    const urls = [];
    for (let replica = 1; replica <= copiesOf(service); replica++) urls.push(`http://127.0.0.1:${portOf(service, replica)}`);
    shared[variable] = urls.join(',');
  }
  return SERVICES.flatMap((service) =>
    Array.from({ length: copiesOf(service) }, (_, index) => {
      const replica = index + 1;
      const port = portOf(service, replica);
      const env = { ...shared, PORT: String(port) };
      if (service.serviceCalls) env.SERVICE_TOKEN = serviceToken;
      if (service.database) {
        const url = new URL(postgres);
        url.pathname = `/${prefix}${service.database}`;
        env.DATABASE_URL = url.toString();
      }
      const instance = replica === 1 ? service.name : `${service.name}#${replica}`;
      return { ...service, port, env, replica, instance };
    }),
  );
}

function positiveCount(value, name) {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 9) throw new Error(`${name} must be a whole number from 1 to 9, not ${value}`);
  return count;
}

/**
 * Creates each service's database when missing and applies its migrations by running the
 * service's own migrate command (dist/scripts/migrate.js), as its container and its Kubernetes
 * init container do: the platform's outbox and inbox come with it where the service uses events.
 * Then each service's seed script fills its database if it is empty (the sample catalog), so the
 * README's walk-through has products to buy on a fresh machine.
 */
async function prepareDatabases(services) {
  const { ensureDatabase } = require(path.join(root, 'platform/dist/data/index.js'));
  // Once per database, however many copies of its service run.
  const withDatabase = firstCopies(services).filter((s) => s.env.DATABASE_URL);
  for (const service of withDatabase) await ensureDatabase(service.env.DATABASE_URL);
  await Promise.all(withDatabase.map((service) => runScript(service, 'dist/scripts/migrate.js')));
  await Promise.all(withDatabase.filter((s) => s.seed).map((service) => runScript(service, service.seed)));
}

/** One entry per service: its first copy. */
function firstCopies(services) {
  return services.filter((service) => (service.replica ?? 1) === 1);
}

/** Runs one of a service's scripts against its database; rejects with its stderr when it fails. */
function runScript(service, script, stdout = 'ignore') {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      cwd: path.join(root, service.name),
      env: { ...process.env, DATABASE_URL: service.env.DATABASE_URL },
      stdio: ['ignore', stdout, 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (chunk) => (errors += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${service.name}: ${script} failed: ${errors.trim()}`))));
  });
}

/** Drops the stack's databases (tests). */
async function dropDatabases(services) {
  const { dropDatabase } = require(path.join(root, 'platform/dist/data/index.js'));
  for (const service of firstCopies(services).filter((s) => s.env.DATABASE_URL)) await dropDatabase(service.env.DATABASE_URL);
}

/**
 * Node flags of every service process; the Dockerfile sets the same in NODE_OPTIONS. V8 grows each
 * young-generation semi-space to 64 MB under a high allocation rate and keeps it: 130 MB of RSS
 * in user-service and 85 MB in the gateway at bench load, for short-lived request garbage.
 * 16 MB (V8's cap before Node 22) keeps every service under 200 MB at peak.
 */
const NODE_FLAGS = ['--max-semi-space-size=16'];

/** Starts one built service as a child process; each JSON log line goes to onLine, under the copy's instance name. */
function startService(service, onLine = () => {}) {
  const instance = service.instance ?? service.name;
  const child = spawn(process.execPath, [...NODE_FLAGS, 'dist/main.js'], {
    cwd: path.join(root, service.name),
    env: { ...process.env, ...service.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => onLine(instance, line));
  }
  return child;
}

/** Polls a service's /ready until it answers 200, or rejects after timeoutMs. */
async function waitReady(service, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${service.port}/ready`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
      last = `${res.status} ${await res.text()}`;
    } catch (error) {
      // not listening yet
      last = `${error.name}: ${error.message}${error.cause ? ` (${error.cause.code ?? error.cause.message})` : ''}`;
    }
    if (Date.now() > deadline) throw new Error(`${service.instance ?? service.name} was not ready within ${timeoutMs} ms; last /ready: ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends SIGTERM to every child and waits for them to exit (SIGKILL after timeoutMs). */
async function stopAll(children, timeoutMs = 15_000) {
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

module.exports = { SERVICES, NODE_FLAGS, stackEnvironment, prepareDatabases, runScript, dropDatabases, startService, waitReady, stopAll };
