// Case 3, order to PAID: orders sent at a fixed rate (half of case 2's orders/s, or --rate), open
// loop; for each, the time from its 201 at the client to its order.paid event at a raw consumer
// of the exchange, same process, same clock. Then how many the orders database still has PENDING.
import { createRequire } from 'node:module';
import { paced } from '../lib/load.mjs';
import { cpuBetween, cpuSnapshot, perRequest } from '../lib/proc.mjs';
import { sleep } from '../lib/run-context.mjs';
import { Samples, round } from '../lib/stats.mjs';

const require = createRequire(import.meta.url);
const amqp = require('amqplib');

/** Case 3's result: latency to PAID (client and DB views), outcomes, CPU per order. Needs case 2's rps or --rate. */
export async function measureOrderToPaid(run, system) {
  const { plan, log } = run;
  const { users, db, pids } = system;
  const intakeRps = run.result.cases.orderIntake?.orders.rps;
  const rate = plan.rate > 0 ? plan.rate : Math.max(1, Math.floor(intakeRps / 2));
  const count = Math.max(1, Math.round(rate * plan.paidS));
  log(`case 3: ${rate} orders/s for ${plan.paidS} s (${count} orders), open loop`);
  const settledAt = await watchSettlements(run); // orderId -> { at, type }
  const postedAt = new Map();
  const statuses = {};
  const before = cpuSnapshot(pids);
  const windowFrom = run.hrUs();
  const posting = await paced({
    host: '127.0.0.1',
    port: system.byName['api-gateway'].port,
    rate,
    count,
    signal: run.signal,
    build: (i) => {
      const user = users[i % users.length];
      return { path: '/api/orders', headers: { 'content-type': 'application/json', authorization: user.auth, 'idempotency-key': `bench-${run.id}-paid-${i}` }, body: user.orderBody };
    },
    onAnswer: (_i, status, text, answeredAt) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== 201) return;
      try {
        postedAt.set(JSON.parse(text).id, answeredAt);
      } catch {
        // counted in statuses
      }
    },
  });
  run.checkAbort();
  // Settle: bounded wait for every accepted order's outcome.
  const settleStarted = performance.now();
  while ((performance.now() - settleStarted) / 1000 < plan.settleS) {
    run.checkAbort();
    let open = 0;
    for (const id of postedAt.keys()) if (!settledAt.has(id)) open += 1;
    if (open === 0) break;
    await sleep(100);
  }
  const settleSeconds = round((performance.now() - settleStarted) / 1000, 1);
  const window = { label: 'case 3 order to PAID', fromUs: windowFrom, toUs: run.hrUs() };
  run.windows.push(window);
  const cpuPercent = cpuBetween(before, cpuSnapshot(pids));
  const latency = new Samples();
  let paid = 0;
  let failed = 0;
  let beforeResponse = 0;
  for (const [id, posted] of postedAt) {
    const outcome = settledAt.get(id);
    if (!outcome) continue;
    if (outcome.type === 'order.paid') {
      paid += 1;
      const ms = outcome.at - posted;
      if (ms < 0) beforeResponse += 1;
      latency.push(Math.max(0, ms));
    } else failed += 1;
  }
  const ids = [...postedAt.keys()];
  const dbStatus = ids.length
    ? Object.fromEntries((await db.orders.query(`SELECT status, count(*) AS n FROM orders WHERE id = ANY($1::uuid[]) GROUP BY status`, [ids])).rows.map((r) => [r.status, Number(r.n)]))
    : {};
  const dbLatency = ids.length
    ? (await db.orders.query(`SELECT percentile_disc(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - created_at) * 1000) AS p, max(extract(epoch FROM updated_at - created_at) * 1000) AS max FROM orders WHERE id = ANY($1::uuid[]) AND status = 'PAID'`, [ids])).rows[0]
    : {};
  const summary = latency.summary();
  // STOCK_RESERVED is order-service's internal step between reservation and charge: still in flight.
  const leftPending = (dbStatus.PENDING ?? 0) + (dbStatus.STOCK_RESERVED ?? 0);
  log(`case 3: p50 ${summary.p50} ms, p99 ${summary.p99} ms, max ${summary.max} ms; ${leftPending} left PENDING`);
  await run.owned.amqp.close().catch(() => undefined);
  run.owned.amqp = undefined;
  return {
    rate,
    basedOnIntakeRps: plan.rate > 0 ? null : intakeRps,
    seconds: plan.paidS,
    sent: posting.sent,
    statuses,
    errors: posting.errors,
    skippedInFlightCap: posting.skippedInFlightCap,
    schedulerLateMsMax: posting.lateMsMax,
    postResponseMs: posting.responseMs,
    accepted: postedAt.size,
    paid,
    paymentFailed: failed,
    leftPending,
    unsettledAtConsumer: postedAt.size - paid - failed,
    settleSeconds,
    settleLimitS: plan.settleS,
    dbStatus,
    postResponseToPaidMs: summary,
    paidBeforeResponseSeen: beforeResponse,
    cpuPercent,
    cpuMsPerOrder: perRequest(cpuPercent, (window.toUs - window.fromUs) / 1e6, postedAt.size),
    dbCreatedToUpdatedMs: dbLatency.p ? { p50: round(Number(dbLatency.p[0])), p95: round(Number(dbLatency.p[1])), p99: round(Number(dbLatency.p[2])), max: round(Number(dbLatency.max)) } : null,
    how: 'per order: time of the POST /api/orders 201 response at the client → time its order.paid event reaches a raw amqplib consumer bound to the exchange with a temporary queue (same process, same clock). The DB view (orders.updated_at - created_at) is the same path seen server-side, from the insert to the PAID update.',
  };
}

/**
 * A raw consumer on the run's exchange (a temporary queue bound to order.paid and
 * order.payment_failed): the moment an outcome is published is when it is seen. Owned by the run
 * (run.owned.amqp) until the case closes it. Returns the map orderId → { at, type } it fills.
 */
async function watchSettlements(run) {
  const connection = await amqp.connect(run.rabbitmqUrl);
  run.owned.amqp = connection;
  const channel = await connection.createChannel();
  await channel.checkExchange(run.exchange);
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, run.exchange, 'order.paid');
  await channel.bindQueue(queue, run.exchange, 'order.payment_failed');
  const settledAt = new Map();
  await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      const at = performance.now();
      try {
        const envelope = JSON.parse(message.content.toString('utf8'));
        const orderId = envelope?.payload?.orderId;
        if (orderId && !settledAt.has(orderId)) settledAt.set(orderId, { at, type: envelope.type ?? message.fields.routingKey });
      } catch {
        // not ours
      }
    },
    { noAck: true },
  );
  return settledAt;
}
