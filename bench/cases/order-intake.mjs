// Case 2, order intake: POST /api/orders through the gateway, closed loop, every request another
// user's (own token and card) with a new Idempotency-Key; then, once the orders are paid and
// mailed (backlog drained), the raw INSERT limit of the same PostgreSQL (order-intake-raw.mjs).
import { drain } from '../lib/backlog.mjs';
import { cannon } from '../lib/load.mjs';
import { cpuBetween, cpuSnapshot, perRequest, rssMb } from '../lib/proc.mjs';
import { ratio } from '../lib/stats.mjs';
import { START_ORDER } from '../lib/system.mjs';
import { measureRawInserts } from './order-intake-raw.mjs';

/** Case 2's result: orders/s with CPU per order, the raw INSERT figures and their ratio. */
export async function measureOrderIntake(run, system) {
  const { plan, log, id } = run;
  const { users, db, footprint } = system;
  let keySeq = 0;
  let userSeq = 0;
  const orderRequest = (req) => {
    const user = users[userSeq++ % users.length];
    req.headers = { ...req.headers, authorization: user.auth, 'idempotency-key': `bench-${id}-${keySeq++}` };
    req.body = user.orderBody;
    return req;
  };
  // Case 4's "RSS in case 2": the highest RSS of each service while the orders come in.
  const loadRss = {};
  const sampleRss = () => {
    for (const name of START_ORDER) loadRss[name] = Math.max(loadRss[name] ?? 0, rssMb(system.pids[name]) ?? 0);
  };
  const ordersBefore = Number((await db.orders.query('SELECT count(*) AS n FROM orders')).rows[0].n);
  const orders = await measure(run, system, 'case 2 POST /api/orders', { url: `${system.gatewayUrl}/api/orders`, method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: orderRequest }, { onSample: sampleRss });
  sampleRss();
  for (const name of START_ORDER) footprint.services[name].loadRssMb = loadRss[name];
  footprint.cpuPercentDuringCase2 = orders.cpuPercent;

  log('case 2: waiting for the orders to be paid before measuring storage (the backlog would compete for CPU)');
  const drained = await drain(run, system, 'case 2', plan.drainS);
  const ordersAfter = Number((await db.orders.query('SELECT count(*) AS n FROM orders')).rows[0].n);

  const raw = await measureRawInserts(run, system);
  const rawTps = raw.pgbench?.tps || raw.nodePg.tps || null;
  return {
    connections: plan.connections,
    warmupS: plan.warmupS,
    measureS: plan.measureS,
    users: plan.users,
    orders,
    ordersCreatedIncludingWarmup: ordersAfter - ordersBefore,
    backlogAfter: drained,
    raw,
    rawUsed: raw.pgbench?.tps ? 'pgbench' : raw.nodePg.tps ? 'nodePg' : null,
    ordersToRaw: ratio(orders.rps, rawTps),
    ordersToRawNodePg: ratio(orders.rps, raw.nodePg.tps),
    notes: {
      orders: 'POST /api/orders through the gateway, a different user (own token, own card) per request, a new Idempotency-Key each; 201s per second',
      raw: 'single-row INSERT transactions (uuid key, jsonb) into a scratch table of a scratch database on the same PostgreSQL, same concurrency: pgbench -c N -j 2 (C client) and a node pg pool of N',
    },
  };
}

/** A warm-up run then the measured run, with CPU per process over the measured window. */
async function measure(run, system, label, options, extra = {}) {
  const { plan, log } = run;
  run.checkAbort();
  log(`${label}: ${plan.warmupS} s warm-up`);
  await cannon({ ...options, connections: plan.connections, seconds: plan.warmupS });
  run.checkAbort();
  log(`${label}: ${plan.measureS} s measured`);
  const before = cpuSnapshot(system.pids);
  const measured = await run.inWindow(label, () => cannon({ ...options, connections: plan.connections, seconds: plan.measureS, onSample: extra.onSample }));
  measured.cpuPercent = cpuBetween(before, cpuSnapshot(system.pids));
  measured.cpuMsPerRequest = perRequest(measured.cpuPercent, measured.seconds, measured.ok);
  run.checkAbort();
  log(`${label}: ${measured.rps} req/s, p50 ${measured.latencyMs.p50} ms, p99 ${measured.latencyMs.p99} ms${measured.non2xx ? `, ${measured.non2xx} non-2xx ${JSON.stringify(measured.statuses)}` : ''}${measured.errors ? `, ${measured.errors} errors` : ''}`);
  return measured;
}
