// Case 4, footprint: per service, spawn → first 200 from /ready (timed by startSystem, services
// started alone, databases migrated beforehand), idle RSS and CPU a few seconds after the last was
// ready, the highest RSS during case 2's measured run (recorded by that case) and over the run.
import { START_ORDER } from '../lib/system.mjs';
import { sleep } from '../lib/run-context.mjs';
import { cpuBetween, cpuSnapshot, rssMb } from '../lib/proc.mjs';

/**
 * The idle figures, before any load: RSS and CPU of each service over plan.idleSettleMs after the
 * last one was ready. Then samples every service's RSS every 500 ms until the clean-up (peak).
 * Runs whichever cases were chosen, so that every run starts from the same idle pause.
 */
export async function measureIdle(run, system) {
  const { footprint } = system;
  const servicePids = () => Object.fromEntries(START_ORDER.map((name) => [name, footprint.services[name].pid]));
  const idleFrom = cpuSnapshot(servicePids());
  await sleep(run.plan.idleSettleMs);
  const idleCpu = cpuBetween(idleFrom, cpuSnapshot(servicePids()));
  for (const name of START_ORDER) {
    footprint.services[name].idleRssMb = rssMb(footprint.services[name].pid);
    footprint.services[name].idleCpuPercent = idleCpu[name];
  }
  const peakSampler = setInterval(() => {
    for (const name of START_ORDER) footprint.peakRssMb[name] = Math.max(footprint.peakRssMb[name] ?? 0, rssMb(system.pids[name]) ?? 0);
  }, 500);
  peakSampler.unref();
  run.owned.peakSampler = peakSampler;
}

/** Case 4's result, from what the start, the idle pause, case 2 and the peak sampler recorded. */
export async function measureFootprint(run, system) {
  const { footprint } = system;
  return {
    services: Object.fromEntries(
      START_ORDER.map((name) => {
        const s = footprint.services[name];
        return [name, { readyMs: s.readyMs, idleRssMb: s.idleRssMb, loadRssMb: s.loadRssMb ?? null, idleCpuPercent: s.idleCpuPercent ?? null, peakRssMb: footprint.peakRssMb[name] ?? null, cpuPercentDuringCase2: footprint.cpuPercentDuringCase2?.[name] ?? null }];
      }),
    ),
    cpuPercentDuringCase2: footprint.cpuPercentDuringCase2 ?? null,
    notes: {
      readyMs: 'from spawning `node dist/main.js` to the first 200 from /ready (polled every 10 ms), each service started alone after the previous was ready, databases already migrated',
      idleRssMb: `VmRSS ${run.plan.idleSettleMs / 1000} s after the last service was ready, before any load`,
      loadRssMb: 'highest VmRSS sampled every 500 ms during case 2\'s measured run (after case 1 ran)',
      peakRssMb: 'highest VmRSS sampled every 500 ms over the whole run',
    },
  };
}
