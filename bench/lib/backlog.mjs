// The work orders leave behind them (payments, outbox rows, mails, queued messages): a case waits
// until it is done before the next measurement, so that it does not compete for the same CPU.
import { queueDepths } from './broker.mjs';
import { sleep } from './run-context.mjs';
import { round } from './stats.mjs';

/** Waits until every order is settled and every queue and outbox is empty (twice in a row). */
export async function drain(run, system, label, limitS) {
  const started = performance.now();
  let calm = 0;
  let last;
  while ((performance.now() - started) / 1000 < limitS) {
    run.checkAbort();
    last = await backlog(run, system);
    calm = Object.values(last).every((v) => v === 0) ? calm + 1 : 0;
    if (calm >= 2) return { seconds: round((performance.now() - started) / 1000, 1), drained: true };
    await sleep(250);
  }
  run.log(`${label}: backlog not drained after ${limitS} s: ${JSON.stringify(last)}`);
  return { seconds: limitS, drained: false, left: last };
}

/** Orders still PENDING, unpublished outbox rows, pending mails and queued messages, by name. */
async function backlog(run, { db }) {
  const count = async (pool, sql) => Number((await pool.query(sql)).rows[0].n);
  const [pendingOrders, orderOutbox, paymentOutbox, pendingNotifications] = await Promise.all([
    count(db.orders, `SELECT count(*) AS n FROM orders WHERE status IN ('PENDING', 'STOCK_RESERVED')`),
    count(db.orders, `SELECT count(*) AS n FROM outbox_messages WHERE published_at IS NULL`),
    count(db.payments, `SELECT count(*) AS n FROM outbox_messages WHERE published_at IS NULL`),
    count(db.notifications, `SELECT count(*) AS n FROM notifications WHERE status = 'pending'`),
  ]);
  const depths = await queueDepths(run.rabbitmqUrl, run.exchange);
  return { pendingOrders, orderOutbox, paymentOutbox, pendingNotifications, ...depths };
}
