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

/**
 * The environment of each service. Secrets are random per stack unless given, so nothing
 * secret is committed; ports and database names can be shifted (tests run beside a stack).
 */
function stackEnvironment(options = {}) {
  const postgres = options.postgresUrl ?? process.env.STACK_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const prefix = options.databasePrefix ?? 'microshop_';
  const portOffset = options.portOffset ?? 0;
  const serviceToken = process.env.SERVICE_TOKEN ?? randomBytes(32).toString('hex');
  const shared = {
    // Every process listens on this machine only: the gateway's limits cannot be walked around.
    HOST: '127.0.0.1',
    JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(32).toString('hex'),
    GATEWAY_TOKEN: process.env.GATEWAY_TOKEN ?? randomBytes(32).toString('hex'),
    RABBITMQ_URL: options.rabbitmqUrl ?? process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    ...options.env,
  };
  for (const service of SERVICES) {
    const variable = UPSTREAM_URL_VARIABLES[service.name];
    if (variable) shared[variable] = `http://127.0.0.1:${service.port + portOffset}`;
  }
  return SERVICES.map((service) => {
    const env = { ...shared, PORT: String(service.port + portOffset) };
    if (service.serviceCalls) env.SERVICE_TOKEN = serviceToken;
    if (service.database) {
      const url = new URL(postgres);
      url.pathname = `/${prefix}${service.database}`;
      env.DATABASE_URL = url.toString();
    }
    return { ...service, port: service.port + portOffset, env };
  });
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
  const withDatabase = services.filter((s) => s.env.DATABASE_URL);
  for (const service of withDatabase) await ensureDatabase(service.env.DATABASE_URL);
  await Promise.all(withDatabase.map((service) => runScript(service, 'dist/scripts/migrate.js')));
  await Promise.all(withDatabase.filter((s) => s.seed).map((service) => runScript(service, service.seed)));
}

/** Runs one of a service's scripts against its database; rejects with its stderr when it fails. */
function runScript(service, script) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      cwd: path.join(root, service.name),
      env: { ...process.env, DATABASE_URL: service.env.DATABASE_URL },
      stdio: ['ignore', 'ignore', 'pipe'],
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
  for (const service of services.filter((s) => s.env.DATABASE_URL)) await dropDatabase(service.env.DATABASE_URL);
}

/** Starts one built service as a child process; each JSON log line goes to onLine. */
function startService(service, onLine = () => {}) {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: path.join(root, service.name),
    env: { ...process.env, ...service.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => onLine(service.name, line));
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
    if (Date.now() > deadline) throw new Error(`${service.name} was not ready within ${timeoutMs} ms; last /ready: ${last}`);
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

module.exports = { SERVICES, stackEnvironment, prepareDatabases, runScript, dropDatabases, startService, waitReady, stopAll };
