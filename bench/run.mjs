// The benchmark (issue 7): one command that starts the whole system on its own databases, ports
// and exchange, measures the four cases in the same run, removes everything it started, prints
// one table and writes JSON under bench/results/. See bench/README.md.
//
//   npm run bench                     (= tsc -b && node bench/run.mjs)
//   node bench/run.mjs --smoke        tiny run (1-2 s per case, 4 connections, no nginx install)
//   node bench/run.mjs --help
//
// This file is the runner: options, start, the cases in order, clean-up, report. Each case is in
// bench/cases/<case>.mjs; what they share (the system, the load, /proc, the report) in bench/lib/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureFootprint, measureIdle } from './cases/footprint.mjs';
import { measureGatewayCost } from './cases/gateway-cost.mjs';
import { measureOrderIntake } from './cases/order-intake.mjs';
import { measureOrderToPaid } from './cases/order-to-paid.mjs';
import { measureScaleOut } from './cases/scale-out.mjs';
import { cleanUp } from './lib/clean-up.mjs';
import { failUsage, readPlan } from './lib/options.mjs';
import { othersCpuPercent } from './lib/proc.mjs';
import { renderReport } from './lib/report.mjs';
import { createRun } from './lib/run-context.mjs';
import { round } from './lib/stats.mjs';
import { startSystem, whyNotRunnable } from './lib/system.mjs';
import { targetsOf } from './lib/targets.mjs';
import { createUsers } from './lib/users.mjs';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

/** The cases in the order they run: number (--cases), key in the JSON, what measures it. */
const CASES = [
  ['1', 'gatewayCost', measureGatewayCost],
  ['2', 'orderIntake', measureOrderIntake],
  ['3', 'orderToPaid', measureOrderToPaid], // at half of case 2's orders/s, unless --rate
  ['4', 'footprint', measureFootprint], // from the start, the idle pause, case 2 and the whole run
  ['5', 'scaleOut', measureScaleOut], // starts its own extra replica and gateways, so it runs last
];

const plan = readPlan(process.argv.slice(2), { resultsDir: path.join(here, 'results') });
const notRunnable = whyNotRunnable();
if (notRunnable) failUsage(notRunnable);
// prepareDatabases logs each migration through the kit's logger, on our stdout: the report goes there.
require('../platform/dist/logging/index.js').setLoggingSilent(true);

const run = createRun(plan);
const { result, log } = run;
process.on('SIGINT', () => run.stop('interrupted (SIGINT)'));
process.on('SIGTERM', () => run.stop('terminated (SIGTERM)'));
const limitTimer = setTimeout(() => run.stop(`time limit of ${plan.limitS} s reached`), plan.limitS * 1000);
limitTimer.unref();

let exitCode = 0;
try {
  // What the machine does without us: other users' processes skew every figure, so say so.
  result.run.backgroundCpuPercent = await othersCpuPercent(plan.backgroundMs);
  if ((result.run.backgroundCpuPercent ?? 0) > 15) log(`warning: the machine is already ${result.run.backgroundCpuPercent}% busy (100% = one core) before the benchmark starts; figures will be noisy`);
  const system = await startSystem(run);
  await measureIdle(run, system);
  system.users = await createUsers(run, system);
  for (const [number, key, measure] of CASES) if (plan.cases.has(number)) result.cases[key] = await measure(run, system);
  result.run.mailsReceived = await system.sink.count();
} catch (error) {
  exitCode = 1;
  result.error = String(error?.stack ?? error);
  log(`error: ${error?.message ?? error}`);
  for (const [name, entry] of run.serviceLogs) if (entry.errors) log(`${name}: ${entry.errors} error lines; last: ${entry.last.slice(-2).join(' | ')}`);
} finally {
  log('cleaning up: stopping every process, dropping databases, deleting exchange and queues');
  const hardStop = setTimeout(() => {
    process.stderr.write('bench: clean-up took over 90 s; exiting. Leftovers: node scripts/clean-test-leftovers.mjs removes test_* databases and test.* queues\n');
    process.exit(1);
  }, 90_000);
  hardStop.unref();
  result.cleanup = await cleanUp(run);
  clearTimeout(hardStop);
}

result.run.windows = run.windows;
result.run.finishedAt = new Date().toISOString();
result.run.seconds = round((performance.now() - run.t0) / 1000, 1);
result.run.serviceLogs = Object.fromEntries([...run.serviceLogs].map(([name, entry]) => [name, { errors: entry.errors, warnings: entry.warnings }]));
result.targets = targetsOf(result);
const leftovers = result.cleanup.leftovers ?? {};
if ((leftovers.databases?.length ?? 0) + (leftovers.queues?.length ?? 0) + (leftovers.processes?.length ?? 0) > 0 || result.cleanup.errors) exitCode = 1;

mkdirSync(path.dirname(plan.outFile), { recursive: true });
writeFileSync(plan.outFile, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(renderReport(result, { outFile: path.relative(process.cwd(), plan.outFile) || plan.outFile }));
process.exit(exitCode);
