// Resident memory and CPU time of processes, straight from /proc (Linux).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { round } from './stats.mjs';

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 2000 }).trim()) || 100;
} catch {
  // 100 on every Linux we run on
}

/** VmRSS of pid in MB, or null when the process is gone. */
export function rssMb(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** { comm, ppid, seconds } of pid: CPU seconds it and its reaped children used; null when gone. */
function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    // Fields after "(comm) ": state is field 3; utime 14, stime 15, cutime 16, cstime 17.
    const fields = text.slice(close + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    return { comm, ppid: Number(fields[1]), seconds: ticks / clockTicks };
  } catch {
    return null;
  }
}

/**
 * CPU seconds so far of named groups: each of `pids` (name → pid, with its descendants), and
 * every process whose command is postgres or beam.smp (RabbitMQ). Exited children are counted
 * through their parent's cutime/cstime once reaped, so short-lived backends are not lost.
 */
export function cpuSnapshot(pids) {
  const all = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = stat(entry);
    if (info) all.set(Number(entry), info);
  }
  const groupOf = new Map();
  for (const [name, pid] of Object.entries(pids)) if (pid) groupOf.set(pid, name);
  const snapshot = { postgres: 0, rabbitmq: 0, ...machineTicks(), at: performance.now() };
  for (const name of Object.keys(pids)) snapshot[name] = 0;
  const resolve = (pid, depth = 0) => {
    if (groupOf.has(pid)) return groupOf.get(pid);
    const info = all.get(pid);
    if (!info || depth > 8 || info.ppid <= 1) return undefined;
    return resolve(info.ppid, depth + 1);
  };
  for (const [pid, info] of all) {
    const group = resolve(pid) ?? (info.comm === 'postgres' ? 'postgres' : info.comm === 'beam.smp' ? 'rabbitmq' : undefined);
    if (group) snapshot[group] += info.seconds;
  }
  return snapshot;
}

/** Whole-machine CPU seconds: busy (all but idle, iowait and steal) and steal (taken by the hypervisor). */
function machineTicks() {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, _idle, _iowait, irq, softirq, steal] = fields.map(Number);
    return { machine: (user + nice + system + irq + softirq) / clockTicks, steal: (steal ?? 0) / clockTicks };
  } catch {
    return {};
  }
}

/** CPU use between two snapshots, in % of one core, per group (machine: all cores, so up to 100 × cores). */
export function cpuBetween(before, after) {
  const seconds = (after.at - before.at) / 1000;
  const out = {};
  let ours = 0;
  for (const key of Object.keys(after)) {
    if (key === 'at' || before[key] === undefined) continue;
    out[key] = Math.round(((after[key] - before[key]) / seconds) * 100);
    if (key !== 'machine' && key !== 'steal') ours += out[key];
  }
  // What else ran on the machine meanwhile (other users' processes, the kernel's own threads).
  if (out.machine !== undefined) out.others = Math.max(0, out.machine - ours);
  return out;
}

/** CPU ms per answered request of each process group, from CPU % (cpuBetween) over `seconds`. */
export function perRequest(cpuPercent, seconds, count) {
  if (!count) return {};
  const out = {};
  for (const [name, pct] of Object.entries(cpuPercent)) if (!['machine', 'steal', 'others'].includes(name)) out[name] = round(((pct / 100) * seconds * 1000) / count, 3);
  return out;
}

/** CPU % of one core used by processes other than this one over `ms`: how busy the machine already is. */
export async function othersCpuPercent(ms) {
  const before = cpuSnapshot({ bench: process.pid });
  await new Promise((resolve) => setTimeout(resolve, ms));
  return cpuBetween(before, cpuSnapshot({ bench: process.pid })).others ?? null;
}
