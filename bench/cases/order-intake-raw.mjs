// Case 2's yardstick, the raw limit of the storage: single-row INSERT transactions (uuid key,
// jsonb) into a scratch table of a scratch database on the same PostgreSQL, at the same
// concurrency, with pgbench (C client, the headline) and with a node pg pool.
import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cpuBetween, cpuSnapshot } from '../lib/proc.mjs';
import { sleep } from '../lib/run-context.mjs';
import { Samples, round } from '../lib/stats.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');

const PGBENCH_CANDIDATES = ['/usr/bin/pgbench', '/usr/lib/postgresql/15/bin/pgbench', '/usr/local/bin/pgbench'];

/** { freeConnections, pgbench: {tps, ...} | { skipped }, nodePg: {tps, ...} } on a scratch database the run owns. */
export async function measureRawInserts(run, system) {
  const { plan, log } = run;
  // Required here, not at load: the checkout is checked for the build before anything runs.
  const { ensureDatabase } = require('../../platform/dist/data/index.js');
  const scratchUrl = new URL(run.postgresUrl);
  scratchUrl.pathname = `/${run.databasePrefix}scratch`;
  run.owned.scratchUrl = scratchUrl.toString();
  await ensureDatabase(run.owned.scratchUrl);
  const scratch = run.pool(run.owned.scratchUrl);
  await scratch.query(`CREATE TABLE IF NOT EXISTS scratch (id uuid PRIMARY KEY, user_id uuid NOT NULL, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  const raw = {};
  // The server is shared: say how many connections were free (max_connections) for N clients.
  const { rows: [headroom] } = await scratch.query(`SELECT current_setting('max_connections')::int - count(*)::int AS free FROM pg_stat_activity`);
  raw.freeConnections = headroom.free;
  if (headroom.free < plan.connections + 3) log(`case 2 raw: only ${headroom.free} PostgreSQL connections free for ${plan.connections} clients (other users of the server)`);
  const pgbench = PGBENCH_CANDIDATES.find((candidate) => existsSync(candidate));
  if (pgbench) {
    for (let attempt = 1; attempt <= 2 && !raw.pgbench?.tps; attempt++) {
      try {
        raw.pgbench = await runPgbench(run, pgbench, run.owned.scratchUrl, system.pids);
        log(`case 2 raw pgbench: ${raw.pgbench.tps} tx/s, latency avg ${raw.pgbench.latencyAvgMs} ms`);
      } catch (error) {
        run.checkAbort();
        raw.pgbench = { skipped: `pgbench failed: ${error.message.split(' | ').slice(-1)[0]}` };
        log(`case 2 raw pgbench attempt ${attempt}: ${raw.pgbench.skipped}`);
        if (attempt === 1) await sleep(3000);
      }
    }
  } else raw.pgbench = { skipped: 'pgbench not found (postgresql-client / postgresql-contrib)' };
  raw.nodePg = await runNodePgInserts(run, run.owned.scratchUrl, system.pids);
  log(`case 2 raw node pg: ${raw.nodePg.tps} tx/s, p50 ${raw.nodePg.latencyMs.p50} ms${raw.nodePg.errors ? `, ${raw.nodePg.errors} errors` : ''}`);
  return raw;
}

/** pgbench -c N -j 2 with one INSERT per transaction: a warm-up, then the measured run with CPU. */
async function runPgbench(run, binary, url, pidsToWatch) {
  const { plan, log } = run;
  const target = new URL(url);
  const script = path.join(tmpdir(), `microshop-bench-${run.id}.sql`);
  writeFileSync(script, `INSERT INTO scratch (id, user_id, payload) VALUES (gen_random_uuid(), gen_random_uuid(), '{"sku":"BENCH-1","quantity":1,"unitPriceCents":1999}');\n`);
  const pgbench = (seconds) =>
    new Promise((resolve, reject) => {
      const args = ['-n', '-c', String(plan.connections), '-j', '2', '-T', String(seconds), '-f', script, '-h', target.hostname, '-p', target.port || '5432', '-U', decodeURIComponent(target.username || 'postgres'), decodeURIComponent(target.pathname.slice(1))];
      const child = spawn(binary, args, { env: { ...process.env, ...(target.password ? { PGPASSWORD: decodeURIComponent(target.password) } : {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.stderr.on('data', (c) => (out += c));
      const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
      const onAbort = () => child.kill('SIGTERM');
      run.signal.addEventListener('abort', onAbort, { once: true });
      child.once('exit', (code) => {
        clearTimeout(timer);
        run.signal.removeEventListener('abort', onAbort);
        if (code !== 0) return reject(new Error(`pgbench exited ${code}: ${out.trim().split('\n').slice(-3).join(' | ')}`));
        const tps = /tps = ([\d.]+)/.exec(out);
        const latency = /latency average = ([\d.]+) ms/.exec(out);
        const failed = /number of failed transactions: (\d+)/.exec(out);
        resolve({ tps: tps ? round(Number(tps[1]), 1) : null, latencyAvgMs: latency ? Number(latency[1]) : null, failed: failed ? Number(failed[1]) : 0 });
      });
    });
  try {
    log(`case 2 raw pgbench: ${plan.warmupS} s warm-up, ${plan.measureS} s measured`);
    await pgbench(plan.warmupS);
    run.checkAbort();
    const before = cpuSnapshot(pidsToWatch);
    const measured = await run.inWindow('case 2 raw pgbench', () => pgbench(plan.measureS));
    measured.cpuPercent = cpuBetween(before, cpuSnapshot(pidsToWatch));
    measured.clients = plan.connections;
    return measured;
  } finally {
    rmSync(script, { force: true });
  }
}

/** The same INSERT from a node pg pool of N, N loops as fast as answered: a warm-up, then measured. */
async function runNodePgInserts(run, url, pidsToWatch) {
  const { plan, log } = run;
  const insertPool = new pg.Pool({ connectionString: url, max: plan.connections });
  insertPool.on('error', () => undefined);
  const sql = `INSERT INTO scratch (id, user_id, payload) VALUES (gen_random_uuid(), gen_random_uuid(), $1)`;
  const payload = JSON.stringify({ sku: 'BENCH-1', quantity: 1, unitPriceCents: 1999 });
  const loop = async (seconds, samples) => {
    const until = performance.now() + seconds * 1000;
    let done = 0;
    let errors = 0;
    await Promise.all(
      Array.from({ length: plan.connections }, async () => {
        while (performance.now() < until && !run.signal.aborted) {
          const started = performance.now();
          try {
            await insertPool.query(sql, [payload]);
            done += 1;
            samples?.push(performance.now() - started);
          } catch {
            errors += 1;
            await sleep(50); // no free connection (shared server): do not spin
          }
        }
      }),
    );
    return { done, errors };
  };
  try {
    log(`case 2 raw node pg: ${plan.warmupS} s warm-up, ${plan.measureS} s measured`);
    await loop(plan.warmupS);
    run.checkAbort();
    const samples = new Samples();
    const before = cpuSnapshot(pidsToWatch);
    const started = performance.now();
    const { done, errors } = await run.inWindow('case 2 raw node pg', () => loop(plan.measureS, samples));
    const seconds = (performance.now() - started) / 1000;
    return { tps: round(done / seconds, 1), errors, poolSize: plan.connections, latencyMs: samples.summary(), cpuPercent: cpuBetween(before, cpuSnapshot(pidsToWatch)) };
  } finally {
    await insertPool.end();
  }
}
