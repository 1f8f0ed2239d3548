import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase, withDatabase } from '@shop/platform/data';
import { deleteTopology, TEST_BROKER_URL, TEST_SERVER_URL, uniqueExchangeName, waitFor } from '@shop/platform/testing';
import { dockerfileOf, envOf, healthcheckOf, startCommandOf, workdirOf } from './support/dockerfile';
import { configSchemaOf, hasDatabase, requiredVariablesOf, ROOT, SERVICES, usesBroker, variablesOf } from './support/repo';
import { startStubCatalogService, type StubService } from './support/stub-catalog-service';

// Each image's start command, run as the container would run it: the same argv, in the
// service's folder (the image's WORKDIR), with the image's ENV and only the variables a
// deployment must give, against a fresh database and a unique exchange. A service that calls
// another one before it is ready gets a loopback stand-in for it.

/** The service token of this run: every service that needs one gets it, the stand-ins check it. */
const SERVICE_TOKEN = randomBytes(24).toString('hex');

/**
 * Stand-ins for the services another one calls before it is ready (order-service fills its
 * catalog copy from catalog-service), keyed by the variable that points at them: every service
 * whose config declares the variable gets the stand-in's URL. A new one is added here.
 */
let upstreams: Record<string, StubService> = {};

beforeAll(async () => {
  upstreams = { CATALOG_SERVICE_URL: await startStubCatalogService(SERVICE_TOKEN) };
});

afterAll(async () => {
  await Promise.all(Object.values(upstreams).map((stub) => stub.stop()));
});

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A test value for a required variable; an unknown one fails the test so that it is added here. */
function testValueFor(variable: string, databaseUrl: string | undefined): string {
  if (variable === 'DATABASE_URL' && databaseUrl) return databaseUrl;
  if (variable === 'SERVICE_TOKEN') return SERVICE_TOKEN;
  if (/SECRET|TOKEN|PASSWORD/.test(variable)) return randomBytes(24).toString('hex');
  throw new Error(`No test value for the required variable ${variable}: add one to testValueFor`);
}

async function isReady(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(1000) });
    return res.status === 200;
  } catch {
    return false;
  }
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

// One after the other: a service's start is CPU-bound (~3 s), so running them together only
// makes each slower.
describe.each(SERVICES)('the start command of the Dockerfile built with SERVICE=%s', (service) => {
  test('When run with the required environment, then it migrates (database services), becomes ready, passes its HEALTHCHECK and exits 0 on SIGTERM', async () => {
    // Arrange
    const { final } = dockerfileOf(service);
    const command = startCommandOf(final);
    const cwd = path.join(ROOT, service);
    expect(workdirOf(final)).toBe(`/app/${service}`);
    if (!existsSync(path.join(cwd, 'dist/main.js'))) throw new Error(`${service}/dist is not built: run \`npx tsc -b\` first (root \`npm test\` does)`);

    const databaseUrl = hasDatabase(service)
      ? withDatabase(TEST_SERVER_URL, `test_deploy_${service.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`)
      : undefined;
    const exchange = usesBroker(service) ? uniqueExchangeName('test.deploy') : undefined;
    const port = await freePort();
    const env: Record<string, string> = {
      // node of this test run first: the command says `node`, as in the image.
      PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
      ...envOf(final),
      PORT: String(port),
      LOG_LEVEL: 'warn',
    };
    for (const variable of requiredVariablesOf(service)) env[variable] = testValueFor(variable, databaseUrl);
    if (exchange) Object.assign(env, { RABBITMQ_URL: TEST_BROKER_URL, EVENTS_EXCHANGE: exchange });
    for (const [variable, stub] of Object.entries(upstreams)) if (variablesOf(service).includes(variable)) env[variable] = stub.url;
    for (const variable of Object.keys(env).filter((k) => !['PATH', 'NODE_ENV', 'NODE_OPTIONS'].includes(k))) expect(variablesOf(service)).toContain(variable);

    const output: string[] = [];
    let child: ChildProcess | undefined;
    try {
      if (databaseUrl) await ensureDatabase(databaseUrl);

      // Act
      child = spawn(command[0]!, command.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      const started = child;
      await waitFor(
        async () => {
          if (started.exitCode !== null) throw new Error(`exited with ${started.exitCode} before /ready:\n${output.join('')}`);
          return isReady(port);
        },
        { timeoutMs: 20_000, intervalMs: 100, what: () => `${service} /ready on port ${port}; output:\n${output.join('')}` },
      );

      // Assert: migrations were applied by the start command itself, before serving.
      if (databaseUrl) {
        // The service's own, and the platform's outbox and inbox for a service that uses events.
        const folders = [path.join(cwd, 'prisma/migrations'), ...(usesBroker(service) ? [path.join(ROOT, 'platform/migrations/messaging')] : [])];
        const migrations = folders.flatMap((folder) => readdirSync(folder, { withFileTypes: true }).filter((e) => e.isDirectory()));
        const client = new Client({ connectionString: databaseUrl });
        await client.connect();
        try {
          const { rows } = await client.query('SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL');
          expect(rows.map((r: { migration_name: string }) => r.migration_name).sort()).toEqual(migrations.map((e) => e.name).sort());
        } finally {
          await client.end();
        }
      }
      const healthcheck = healthcheckOf(final)!.command;
      const probe = spawnSync(healthcheck[0]!, healthcheck.slice(1), { cwd, env, encoding: 'utf8', timeout: 10_000 });
      expect({ status: probe.status, stderr: probe.stderr }).toEqual({ status: 0, stderr: '' });

      started.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const exit = await Promise.race([
        exitOf(started),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no exit 15 s after SIGTERM:\n${output.join('')}`)), 15_000);
        }),
      ]).finally(() => clearTimeout(timer));
      expect({ ...exit, output: exit.code === 0 ? '' : output.join('') }).toEqual({ code: 0, signal: null, output: '' });
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exitOf(child);
      }
      if (databaseUrl) await dropDatabase(databaseUrl);
      if (exchange) {
        const queue = `${exchange}.${service}`;
        const retries = (configSchemaOf(service).parse(env) as { RETRY_DELAYS_MS?: number[] }).RETRY_DELAYS_MS ?? [];
        await deleteTopology(TEST_BROKER_URL, {
          exchanges: [exchange],
          queues: [queue, ...retries.map((_, i) => `${queue}.retry.${i}`), `${queue}.dead`],
        });
      }
    }
  });
});

describe.each(SERVICES.filter(hasDatabase))('the start command of the Dockerfile built with SERVICE=%s', (service) => {
  test('When its migrations fail (database unreachable), then the service never starts and the command exits non-zero', async () => {
    // Arrange: the same argv and environment, the database on a port nothing listens on.
    const { final } = dockerfileOf(service);
    const command = startCommandOf(final);
    const env: Record<string, string> = { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, ...envOf(final), LOG_LEVEL: 'warn' };
    for (const variable of requiredVariablesOf(service)) env[variable] = testValueFor(variable, `postgresql://nobody:nothing@127.0.0.1:${await freePort()}/none`);

    // Act
    const run = spawnSync(command[0]!, command.slice(1), { cwd: path.join(ROOT, service), env, encoding: 'utf8', timeout: 20_000 });

    // Assert: migrate's error, not the service's start.
    expect({ status: run.status, signal: run.signal }).toEqual({ status: expect.any(Number), signal: null });
    expect(run.status).not.toBe(0);
    expect(run.stderr + run.stdout).toMatch(/ECONNREFUSED/);
  });
});
