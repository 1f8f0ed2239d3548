// The state of one run that every part shares: its names (exchange, database prefix), the abort
// signal (Ctrl-C, SIGTERM, a service that died, the time limit), the progress log, the measured
// windows, the result being filled and what the run owns and must remove at the end.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { stopLoad } from './load.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Microseconds on the monotonic clock V8's .cpuprofile files use. */
const hrUs = () => Number(process.hrtime.bigint() / 1000n);

/** A new run of `plan`: ids, clock, abort, log, result skeleton and the list of what it owns. */
export function createRun(plan) {
  const id = randomBytes(4).toString('hex');
  const startedAt = new Date();
  const t0 = performance.now();
  const abort = new AbortController();
  const log = (message) => process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${message}\n`);
  const serviceLogs = new Map(); // name -> { last: string[], errors: number, warnings: number }
  const owned = {
    children: [], // { name, child }
    sink: undefined,
    nginx: undefined,
    pools: [],
    amqp: undefined,
    services: [],
    scratchUrl: undefined,
    peakSampler: undefined,
  };
  const run = {
    plan,
    id,
    exchange: `test.bench.${id}`,
    databasePrefix: `test_bench_${id}_`,
    postgresUrl: process.env.STACK_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    rabbitmqUrl: process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    t0,
    signal: abort.signal,
    log,
    owned,
    serviceLogs,
    /** The clean-up in progress (set by cleanUp): a service exiting then is expected. */
    cleaning: undefined,
    // Measured windows, on the monotonic clock the profiles use, so that bench/lib/profile-top.mjs
    // can cut a service's profile to one case.
    windows: [],
    hrUs,
    result: {
      schema: 1,
      run: {
        id,
        mode: plan.mode,
        startedAt: startedAt.toISOString(),
        node: process.version,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        settings: {},
      },
      cases: {},
      targets: [],
      cleanup: {},
    },

    /** Throws once the run was stopped, so that the case in progress ends at its next step. */
    checkAbort() {
      if (abort.signal.aborted) throw new Error(`aborted: ${abort.signal.reason}`);
    },

    /** Stops the run (once): the load in progress ends, every wait sees the abort. */
    stop(reason) {
      if (abort.signal.aborted) return;
      log(`stopping: ${reason}`);
      abort.abort(reason);
      stopLoad();
    },

    /** Runs fn as the measured window `label`. */
    async inWindow(label, fn) {
      const fromUs = hrUs();
      try {
        return await fn();
      } finally {
        run.windows.push({ label, fromUs, toUs: hrUs() });
      }
    },

    /** Keeps the last lines of a service's log and counts its errors and warnings. */
    onServiceLine(name, line) {
      let entry = serviceLogs.get(name);
      if (!entry) serviceLogs.set(name, (entry = { last: [], errors: 0, warnings: 0 }));
      if (line.includes('"level":"error"')) entry.errors += 1;
      else if (line.includes('"level":"warn"')) entry.warnings += 1;
      entry.last.push(line);
      if (entry.last.length > 40) entry.last.shift();
    },

    /** A small pg pool the run owns (ended at clean-up). */
    pool(url) {
      const created = new pg.Pool({ connectionString: url, max: 2, statement_timeout: 10_000 });
      created.on('error', () => undefined);
      owned.pools.push(created);
      return created;
    },
  };
  return run;
}
