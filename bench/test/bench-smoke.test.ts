import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

// Runs the real benchmark on a tiny budget (`--smoke`: 1-2 s per case, 4 connections, nginx only
// if already installed) and checks that it starts, measures every case, reports, and removes
// everything it started. Needs the build (`npx tsc -b`), PostgreSQL and RabbitMQ.

const root = path.resolve(__dirname, '../..');
const postgresUrl = process.env.STACK_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

interface BenchRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runBench(args: string[], timeoutMs: number): Promise<BenchRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bench/run.mjs', ...args], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // The benchmark bounds itself (150 s in smoke mode, then cleans up); this is the last resort.
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function benchDatabases(): Promise<string[]> {
  const client = new Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'test\\_bench\\_%'`);
    return rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
}

interface Measured {
  rps: number;
  ok: number;
}
interface BenchResult {
  run: { id: string; mode: string };
  cases: {
    gatewayCost?: { routes: { usersMe: Record<string, Measured | { skipped: string }>; health: Record<string, Measured | { skipped: string }> } };
    orderIntake?: { orders: Measured; raw: { nodePg: { tps: number } }; ordersToRaw: number | null };
    orderToPaid?: { sent: number; accepted: number; paid: number; leftPending: number; postResponseToPaidMs: { p99: number | null } };
    footprint?: { services: Record<string, { readyMs: number; idleRssMb: number }> };
    scaleOut?: { intake: Record<'oneReplica' | 'twoReplicas', Measured>; limiter: Record<'memory' | 'redis', Measured>; ratios: { twoToOneReplica: number | null; redisToMemory: number | null } };
  };
  targets: Array<{ id: string; pass: boolean | null }>;
  cleanup: { leftovers: { databases: string[]; queues: string[]; processes: string[] }; errors?: string[] };
}

describe('the benchmark, on a smoke budget', () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'bench-smoke-'));
  const outFile = path.join(outDir, 'smoke.json');
  let before: string[];
  let run: BenchRun;
  let result: BenchResult;

  beforeAll(async () => {
    before = await benchDatabases();
    run = await runBench(['--smoke', '--out', outFile], 170_000);
    if (existsSync(outFile)) result = JSON.parse(readFileSync(outFile, 'utf8')) as BenchResult;
  }, 175_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  test('When the smoke run ends, then it exits 0', () => {
    if (run.code !== 0) throw new Error(`bench exited ${run.code}\n${run.stderr.slice(-3000)}\n${run.stdout.slice(-2000)}`);
  });

  test('When the smoke run ends, then it prints one table with every case and the targets', () => {
    for (const heading of ['Microshop benchmark', '1. Gateway cost', '2. Order intake', '3. Order to PAID', '4. Footprint', '5. Scale-out', 'Targets', 'RATE_LIMIT_MAX']) {
      expect(run.stdout).toContain(heading);
    }
    expect(run.stdout).toMatch(/GET \/users\/me\s+user-service directly\s+[\d.]+/);
    expect(run.stdout).toMatch(/(PASS|MISS)\s+gateway\/direct/);
  });

  test('When the smoke run ends, then the JSON holds a figure for every case', () => {
    expect(result.run.mode).toBe('smoke');
    expect(Object.keys(result.cases).sort()).toEqual(['footprint', 'gatewayCost', 'orderIntake', 'orderToPaid', 'scaleOut']);
    const { gatewayCost, orderIntake, orderToPaid, footprint, scaleOut } = result.cases;
    for (const route of ['usersMe', 'health'] as const) {
      for (const via of ['direct', 'gateway']) expect((gatewayCost!.routes[route][via] as Measured).ok).toBeGreaterThan(0);
      expect(gatewayCost!.routes[route].nginx).toBeDefined(); // measured, or { skipped: reason }
    }
    expect(orderIntake!.orders.ok).toBeGreaterThan(0);
    expect(orderIntake!.raw.nodePg.tps).toBeGreaterThan(0);
    expect(orderIntake!.ordersToRaw).toBeGreaterThan(0);
    expect(orderToPaid!.accepted).toBe(orderToPaid!.sent);
    expect(orderToPaid!.paid).toBe(orderToPaid!.accepted);
    expect(orderToPaid!.leftPending).toBe(0);
    expect(orderToPaid!.postResponseToPaidMs.p99).toBeGreaterThanOrEqual(0);
    expect(Object.keys(footprint!.services).sort()).toEqual(['api-gateway', 'catalog-service', 'notification-service', 'order-service', 'payment-service', 'user-service']);
    for (const service of Object.values(footprint!.services)) {
      expect(service.readyMs).toBeGreaterThan(0);
      expect(service.idleRssMb).toBeGreaterThan(0);
    }
    for (const measured of [scaleOut!.intake.oneReplica, scaleOut!.intake.twoReplicas, scaleOut!.limiter.memory, scaleOut!.limiter.redis]) expect(measured.ok).toBeGreaterThan(0);
    expect(scaleOut!.ratios.twoToOneReplica).toBeGreaterThan(0);
    expect(scaleOut!.ratios.redisToMemory).toBeGreaterThan(0);
    expect(result.targets.length).toBeGreaterThan(0);
  });

  test('When the smoke run ends, then no test_bench_ database, queue or process of it is left', async () => {
    expect(result.cleanup.errors).toBeUndefined();
    expect(result.cleanup.leftovers).toEqual({ databases: [], queues: [], processes: [] });
    const after = await benchDatabases();
    expect(after.filter((name) => name.startsWith(`test_bench_${result.run.id}_`))).toEqual([]);
    // Only databases that were there before (another benchmark running beside this test) may remain.
    expect(after.filter((name) => !before.includes(name))).toEqual([]);
  });
});
