// Fault injection ("chaos") through the whole system: a steady stream of orders goes through the
// gateway while one fault at a time is injected; afterwards every accepted order must end in the
// state its card dictates, be charged once, and cause exactly one mail per event.
//
// What counts as an acceptable 5xx (everything else fails the suite):
// - 502 upstream-unavailable for /orders while order-service's process is dead (from the
//   kill until the restarted process is ready): the gateway telling the truth. The client then
//   retries with the same Idempotency-Key (a few at a time, with backoff), as a client without a
//   definite answer should; the retry must end in a 201 (a replay when the first request had
//   committed before the kill), and no order may exist that the client does not know of.
// - 503 user-service-unavailable (with Retry-After) while user-service is down, and while
//   order-service's breaker stays open after it returns (BREAKER_RESET_TIMEOUT_MS): the
//   documented refusal; those orders are never created (checked in the database).
// Nothing else: a broker outage, or the death of catalog-, payment- or notification-service,
// must not cost a single request its 201.
//
// The stream buys products the suite creates: three that never run out and one scarce one, whose
// orders end REJECTED (out_of_stock, never charged) once it is sold out. At the end every
// product's stock is conserved exactly: on hand = initial − units of PAID orders, nothing held.
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes, randomUUID } from 'node:crypto';
import { MessageCollector, TEST_BROKER_URL, waitFor, type CollectedMessage } from '@shop/platform/testing';
import {
  acceptedOrderId,
  BrokerProbe,
  call,
  consumedCounts,
  countServerErrors,
  Databases,
  driveOrders,
  isAmbiguous,
  latency,
  newCustomer,
  REPORT_HEADER,
  reportLine,
  retryAmbiguous,
  settle,
  type AcceptedOrder,
  type Customer,
  type FaultWindow,
  type OrderAttempt,
  type ServerErrors,
  type Verdict,
} from './chaos-kit';
import { mintToken } from './security-tokens';
import { MESSAGING_SERVICES, startSystem, type RunningSystem, type ServiceName } from './system';

// Per scenario: ORDERS orders spread over LOAD_MS, the fault starting FAULT_AT_MS into the stream.
const ORDERS = 80;
const LOAD_MS = 10_000;
const FAULT_AT_MS = 3000;
const DOWN_MS = 2500;
const BROKER_CUT_MS = 10_000;
const SETTLE_TIMEOUT_MS = 60_000;
const BREAKER_RESET_TIMEOUT_MS = 3000;
// SIGKILL rather than SIGTERM: with steady traffic a SIGTERMed service keeps answering on the
// callers' kept-alive connections until its shutdown times out (platform/src/lifecycle
// closeServer closes idle sockets only once), so it is not "down" for the first 10 s. Switch
// to 'SIGTERM' once closeServer ends busy keep-alive connections after their current response.
const USER_SERVICE_STOP_SIGNAL: NodeJS.Signals = 'SIGKILL';
const RETRY_QUEUES = 3; // RETRY_DELAYS_MS of startSystem: 200,400,800
// The stream's products: three that never run out, one that does within the first scenarios.
const PLENTY_STOCK = 1_000_000;
const SCARCE_STOCK = 60;

let system: RunningSystem;
let dbs: Databases;
let probe: BrokerProbe;
let events: MessageCollector;
let customers: Customer[];
/** The products the stream buys (id → initial stock); the last one is scarce. */
const products = new Map<string, number>();
let scarceProduct = '';
const everyAccepted: AcceptedOrder[] = [];
// Duplicate mails the scenarios saw (and allowed); the final check makes sure none came later.
let duplicateMailsSeen = 0;
const report: string[] = [];
let seqBase = 0;
const suiteStartedAt = Date.now();
const debugAttempts: OrderAttempt[] = [];

beforeAll(async () => {
  system = await startSystem({
    brokerProxy: true,
    // A slot of its own (11000–11494), away from the other e2e suites' 10000–10494.
    portOffset: 8000 + (randomBytes(1)[0]! % 50) * 10,
    env: {
      // The stream is 8 orders/s from three customers for minutes: the per-client limit is not under test.
      RATE_LIMIT_MAX: '100000',
      // At least the lookup timeout below (a trial started before the breaker opened must not reopen it); the default is 1 s.
      BREAKER_RESET_TIMEOUT_MS: String(BREAKER_RESET_TIMEOUT_MS),
      // Three times the 1 s default: this machine's two cores also run the load and every
      // process, and a lookup slowed by CPU starvation is not the fault under test.
      USER_SERVICE_TIMEOUT_MS: '3000',
      LOG_LEVEL: 'info',
    },
  });
  dbs = await Databases.open(system);
  probe = await BrokerProbe.open(TEST_BROKER_URL, system.exchange, RETRY_QUEUES);
  // Sees every event published to the run's exchange (the services' and the test's copies).
  events = await MessageCollector.bindTo(TEST_BROKER_URL, system.exchange);
  customers = [];
  for (const name of ['Ada', 'Brian', 'Chloe']) customers.push(await newCustomer(system, name));
  const admin = await mintToken(system.services.find((s) => s.name === 'api-gateway')!.env.JWT_SECRET!, { role: 'admin' });
  for (const [i, stock] of [PLENTY_STOCK, PLENTY_STOCK, PLENTY_STOCK, SCARCE_STOCK].entries()) {
    const created = await call<{ id: string }>(system, 'POST', '/products', {
      token: admin,
      body: { sku: `CHAOS-${i}-${randomUUID().slice(0, 8)}`, name: `Chaos product ${i}`, priceCents: 1000 + i * 250, currency: 'EUR', stock },
    });
    if (created.status !== 201) throw new Error(`creating a product answered ${created.status} ${JSON.stringify(created.body)}`);
    products.set(created.body.id, stock);
    scarceProduct = created.body.id;
  }
  // order-service learns of new products by event: the stream starts once it knows them all.
  await waitFor(async () => (await dbs.knownToOrders([...products.keys()])) === products.size, { timeoutMs: 10_000, what: "order-service's copy of the new products" });
}, 120_000);

afterAll(async () => {
  // CHAOS_LOGS=<file>: the services' log lines and every order attempt, for a post-mortem.
  if (process.env.CHAOS_LOGS && system) {
    const lines = [
      ...system.logs.map((l) => JSON.stringify({ service: l.service, ...l.line })),
      ...debugAttempts.map((a) => JSON.stringify({ service: 'client', seq: a.seq, card: a.card, first: a.first, retries: a.retries })),
    ];
    writeFileSync(process.env.CHAOS_LOGS, `${lines.join('\n')}\n`);
  }
  if (report.length > 0) process.stdout.write(`\nchaos suite (${Math.round((Date.now() - suiteStartedAt) / 1000)} s)\n${REPORT_HEADER}\n${report.join('\n')}\n\n`);
  await events?.close();
  await probe?.close();
  await dbs?.close();
  await system?.stop();
}, 60_000);

interface ScenarioResult {
  attempts: OrderAttempt[];
  accepted: AcceptedOrder[];
  verdict: Verdict;
  errors: ServerErrors;
  settleMs: number;
  orphans: string[];
  dead: Record<string, number>;
}

/**
 * Streams ORDERS orders while `fault` runs, retries the ambiguous answers, waits (bounded) for
 * every accepted order to settle, then prints the scenario's line and returns what it saw.
 */
async function runScenario(
  name: string,
  fault: () => Promise<FaultWindow[]>,
  options: {
    count?: number;
    durationMs?: number;
    settleTimeoutMs?: number;
    /** More orders once the stream is over (they count like the stream's). */
    after?: (seqBase: number, stream: OrderAttempt[]) => Promise<OrderAttempt[]>;
    details?: (r: ScenarioResult) => string;
  } = {},
): Promise<ScenarioResult> {
  const count = options.count ?? ORDERS;
  const base = seqBase;
  seqBase += count;
  const stream = driveOrders(system, customers, { count, durationMs: options.durationMs ?? LOAD_MS, seqBase: base, products: [...products.keys()] });
  const windows = await fault();
  const attempts = await stream;
  if (options.after) {
    const more = await options.after(seqBase, [...attempts]);
    seqBase += more.length;
    attempts.push(...more);
  }
  await retryAmbiguous(system, attempts);
  debugAttempts.push(...attempts);

  const accepted = attempts.flatMap((a) => {
    const orderId = acceptedOrderId(a);
    return orderId ? [{ orderId, card: a.card, mayRunOut: buys(a, scarceProduct) }] : [];
  });
  everyAccepted.push(...accepted);
  const { verdict, ms } = await settle(system, dbs, accepted, options.settleTimeoutMs ?? SETTLE_TIMEOUT_MS);
  const errors = countServerErrors(attempts, windows);
  const known = new Set(everyAccepted.map((a) => a.orderId));
  const orphans = (await dbs.allOrderIds()).filter((id) => !known.has(id));
  const { dead } = await probe.depths();
  const result = { attempts, accepted, verdict, errors, settleMs: ms, orphans, dead };

  const line = reportLine(name, verdict, errors);
  report.push(line);
  const ambiguous = attempts.filter((a) => a.retries.length > 0);
  const detail = [
    `settled in ${(ms / 1000).toFixed(1)} s`,
    `5xx ${JSON.stringify(errors.byKind)}`,
    ambiguous.length
      ? `retried ${ambiguous.length} without a definite answer (${ambiguous.reduce((n, a) => n + a.retries.length, 0)} retries) → ${ambiguous.filter((a) => acceptedOrderId(a)).length}× 201`
      : '',
    `orphan orders ${orphans.length}`,
    `dead-lettered ${JSON.stringify(dead)}`,
    options.details?.(result) ?? '',
    ...verdict.problems,
    ...errors.unexpectedSamples,
  ].filter(Boolean);
  process.stdout.write(`${line}\n    ${detail.join('; ')}\n`);
  return result;
}

/** The assertions every scenario shares: nothing lost, charged once, one mail per event, only documented 5xx. */
function expectClean(result: ScenarioResult, allowed: { duplicateMails?: number; dead?: Record<string, number> } = {}) {
  const { verdict, errors, orphans, dead } = result;
  duplicateMailsSeen += verdict.duplicateMails;
  expect(verdict.accepted).toBeGreaterThan(0);
  expect({
    // Every request ended with a definite answer (after the client's retries): 201 or a refusal.
    undecided: result.attempts.filter((a) => isAmbiguous(a.retries.at(-1) ?? a.first)).map((a) => a.seq),
    lost: verdict.accepted - verdict.settled,
    problems: verdict.problems,
    doubleCharges: verdict.doubleCharges,
    duplicateMailsOverBound: Math.max(0, verdict.duplicateMails - (allowed.duplicateMails ?? 0)),
    unexpected5xx: errors.unexpected,
    orphans,
    dead,
    crashes: system.unexpectedExits,
  }).toEqual({
    undecided: [],
    lost: 0,
    problems: [],
    doubleCharges: 0,
    duplicateMailsOverBound: 0,
    unexpected5xx: 0,
    orphans: [],
    dead: allowed.dead ?? { 'catalog-service': 0, 'order-service': 0, 'payment-service': 0, 'notification-service': 0 },
    crashes: [],
  });
}

/** kill -9 one service FAULT_AT_MS into the stream, start it again DOWN_MS later (same env and port). */
function killAndRestart(service: ServiceName, onRestarted: (ms: number) => void) {
  return async (): Promise<FaultWindow[]> => {
    // The fault's schedule: FAULT_AT_MS into the order stream, down for DOWN_MS.
    await sleep(FAULT_AT_MS);
    const from = Date.now();
    await system.kill(service, 'SIGKILL');
    await sleep(DOWN_MS);
    const restartAt = Date.now();
    await system.start(service);
    const to = Date.now();
    onRestarted(to - restartAt);
    // Only the gateway's route to the dead process may answer 502, and only while it is dead.
    return service === 'order-service' ? [{ from, to, accepts: [{ status: 502, code: 'upstream-unavailable' }] }] : [];
  };
}

describe('the system under faults, with orders streaming through the gateway', () => {
  for (const service of ['catalog-service', 'order-service', 'payment-service', 'notification-service'] as const) {
    test(`When ${service} is killed with SIGKILL and restarted, then no order is lost, charged twice or mailed twice`, async () => {
      let restartMs = 0;
      const result = await runScenario(`kill -9 ${service}`, killAndRestart(service, (ms) => (restartMs = ms)), {
        details: () => `restarted and ready in ${restartMs} ms`,
      });

      if (service === 'notification-service') {
        // Documented residual risk (notification-service/src/domain/notify-customer-use-case.ts):
        // a process killed after the SMTP server accepted a mail (its 250 to the final dot) but
        // before the `sent` row committed sends that mail again when the event is redelivered.
        // The sink counts a mail only once it was received in full (smtp-server destroys a
        // stream cut mid-DATA), so what shows here is exactly that window, a few ms per mail;
        // runs see 0 or 1. Only sends in flight at the kill can be caught in it, and there are
        // at most CONSUMER_PREFETCH (5) of them. Zero would need the SMTP server to deduplicate
        // (SMTP has no "did you already take this one?"); the Message-ID is the event id, so
        // mail clients can at least recognise the copy.
        expectClean(result, { duplicateMails: 5 });
      } else {
        expectClean(result);
      }
    });
  }

  test('When the broker is unreachable for 10 s, then orders are still accepted and all settle once it is back', async () => {
    const proxy = system.brokerProxy!;
    let restoredAt = 0;
    let unreadyDuringCut: string[] = [];
    const result = await runScenario(
      'broker cut 10 s',
      async () => {
        // The fault's schedule: the cut starts a second before FAULT_AT_MS and lasts BROKER_CUT_MS.
        await sleep(FAULT_AT_MS - 1000);
        await proxy.cut();
        const cutAt = Date.now();
        // While cut, the messaging services say so on /ready (and keep serving HTTP).
        unreadyDuringCut = (await waitFor(
          async () => {
            const states = await Promise.all(MESSAGING_SERVICES.map(async (name) => ({ name, ready: await isReady(name) })));
            const unready = states.filter((s) => !s.ready).map((s) => s.name);
            return unready.length === MESSAGING_SERVICES.length && unready;
          },
          { timeoutMs: 8000, intervalMs: 200, what: 'the messaging services to report the broker down' },
        )) as string[];
        await sleep(cutAt + BROKER_CUT_MS - Date.now());
        await proxy.restore();
        restoredAt = Date.now();
        return [];
      },
      {
        settleTimeoutMs: 90_000,
        details: () => `unready during the cut: ${unreadyDuringCut.join(', ')}; all settled ${((Date.now() - restoredAt) / 1000).toFixed(1)} s after the restore`,
      },
    );

    expectClean(result);
    for (const name of MESSAGING_SERVICES) expect(await isReady(name)).toBe(true);
    expect(await dbs.outboxBacklog()).toEqual({ catalog: 0, orders: 0, payments: 0 });
  });

  test('When user-service is down, then orders are refused fast with 503, none is half-created, and orders flow again after its restart', async () => {
    let readyAt = 0;
    let refused: OrderAttempt[] = [];
    // Refusals tell the truth from the stop until order-service's breaker lets orders through
    // again: after the restart it stays open until its next trial call (BREAKER_RESET_TIMEOUT_MS).
    const refusals: FaultWindow = { from: 0, to: Infinity, accepts: [{ status: 503, code: 'user-service-unavailable' }] };
    const result = await runScenario(
      `user-service ${USER_SERVICE_STOP_SIGNAL === 'SIGKILL' ? 'killed' : 'stopped'}`,
      async () => {
        // The fault's schedule: FAULT_AT_MS into the order stream, down for DOWN_MS.
        await sleep(FAULT_AT_MS);
        refusals.from = Date.now();
        await system.kill('user-service', USER_SERVICE_STOP_SIGNAL);
        await sleep(DOWN_MS);
        await system.start('user-service');
        readyAt = Date.now();
        return [refusals];
      },
      {
        // Once the stream is over: an order every 300 ms until one is accepted (the breaker
        // closed), then five more, all of which must be accepted.
        after: async (base, stream) => {
          const more: OrderAttempt[] = [];
          const deadline = Date.now() + 2 * BREAKER_RESET_TIMEOUT_MS + 10_000;
          while (!more.some((a) => a.first.status === 201 && a.first.startedAt > readyAt) && Date.now() < deadline) {
            more.push(...(await driveOrders(system, customers, { count: 1, durationMs: 1, seqBase: base + more.length, products: [...products.keys()] })));
            // Pacing of this probe load: an order every 300 ms (how long it took is what is measured).
            await sleep(300);
          }
          refusals.to = Math.min(...[...stream, ...more].filter((a) => a.first.status === 201 && a.first.startedAt > readyAt).map((a) => a.first.startedAt));
          more.push(...(await driveOrders(system, customers, { count: 5, durationMs: 500, seqBase: base + more.length, products: [...products.keys()] })));
          return more;
        },
        details: (r) => {
          refused = r.attempts.filter((a) => a.first.status === 503);
          const ms = latency(refused.map((a) => a.first.endedAt - a.first.startedAt));
          return [
            `refused ${refused.length}× 503 in p50 ${ms.p50} ms / p95 ${ms.p95} ms / max ${ms.max} ms`,
            `orders accepted again ${((refusals.to - readyAt) / 1000).toFixed(1)} s after user-service was ready`,
          ].join('; ');
        },
      },
    );

    expectClean(result);
    expect(refused.length).toBeGreaterThan(0);
    // Fast: no refusal waited for the lookup timeout (USER_SERVICE_TIMEOUT_MS); a dead peer's
    // refused connection, then the open breaker, answer at once.
    expect(latency(refused.map((a) => a.first.endedAt - a.first.startedAt)).max).toBeLessThan(3000);
    expect(refused.every((a) => Number(a.first.retryAfter) >= 1)).toBe(true);
    // None half-created: a refused request left no order and no stored idempotent response.
    expect(await dbs.storedIdempotencyKeys(refused.map((a) => a.idempotencyKey))).toEqual([]);
    // Orders flow again once user-service is back: within two breaker periods (one trial may
    // still meet the restarting service), and every order after that is accepted.
    expect(refusals.to - readyAt).toBeLessThan(2 * BREAKER_RESET_TIMEOUT_MS + 3000);
    const afterwards = result.attempts.filter((a) => a.first.startedAt >= refusals.to);
    expect(afterwards.length).toBeGreaterThanOrEqual(6);
    expect(afterwards.map((a) => a.first.status)).toEqual(afterwards.map(() => 201));
  });

  test('When every event is delivered again and out of order, and each queue gets a poison message, then nothing happens twice and only the poison is dead-lettered', async () => {
    const firstEvent = events.messages.length;
    const duplicated = new Set<string>();
    let liveCopies = 0;
    let streaming = true;
    // Two extra copies of every event, published the moment the original is seen, so copies
    // race the original through the consumers.
    const duplicator: Promise<void> = (async () => {
      let next = firstEvent;
      for (;;) {
        const batch = events.messages.slice(next);
        next += batch.length;
        for (const msg of batch) {
          const id = envelopeId(msg);
          if (!id || duplicated.has(id)) continue;
          duplicated.add(id);
          for (let i = 0; i < 2; i++) await republish(msg);
          liveCopies += 2;
        }
        if (!streaming && batch.length === 0) return;
        // Polling interval of the duplicator over the collected events.
        await sleep(20);
      }
    })();
    duplicator.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled

    let replayed = 0;
    const result = await runScenario(
      'duplicates (2 live copies of every event)',
      async () => [],
      { details: () => `${liveCopies} copies published as the originals appeared` },
    ).finally(() => {
      streaming = false;
    });
    await duplicator;
    await waitForQuiet();

    // Every original event once more, newest first: results before the orders they settle,
    // order.paid before order.created, stock results before the orders they reserve for.
    const originals = uniqueById(events.messages.slice(firstEvent));
    const before = await consumedCounts(system);
    const deliveries: Record<string, number> = Object.fromEntries(MESSAGING_SERVICES.map((s) => [s, 0]));
    for (const msg of [...originals].reverse()) {
      await republish(msg);
      replayed++;
      for (const service of consumersOf(msg.routingKey)) deliveries[service]!++;
    }
    const poison = await sendPoison();
    for (const service of MESSAGING_SERVICES) deliveries[service]!++;
    await waitForQuiet(before, deliveries);

    const after = await settle(system, dbs, result.accepted, 5000);
    const { dead } = await probe.depths();
    const line = reportLine('reverse replay of every event + 3 poison messages', after.verdict, result.errors);
    report.push(line);
    process.stdout.write(`${line}\n    ${replayed} events replayed newest first; dead-lettered ${JSON.stringify(dead)}\n`);

    expect(originals.map((m) => m.routingKey).sort()).toEqual(
      expect.arrayContaining(['order.created', 'stock.reserved', 'order.stock_confirmed', 'payment.succeeded', 'payment.failed', 'order.paid', 'order.payment_failed']),
    );
    expectClean({ ...result, verdict: after.verdict, dead }, { dead: Object.fromEntries(MESSAGING_SERVICES.map((s) => [s, 1])) });
    // The dead queues hold exactly the poison messages, each with the reason it was parked.
    for (const service of MESSAGING_SERVICES) {
      const parked = await probe.drainDead(service);
      expect(parked.map((m) => m.headers['x-chaos-poison'])).toEqual([poison[service]]);
      expect(String(parked[0]!.headers['x-error'])).toMatch(/JSON|envelope|payload/);
    }
  });

  test('When all scenarios are over, then every order of the run is settled, charged once and mailed once per event', async () => {
    const { verdict } = await settle(system, dbs, everyAccepted, 10_000);
    const known = new Set(everyAccepted.map((a) => a.orderId));
    const orphans = (await dbs.allOrderIds()).filter((id) => !known.has(id));
    const line = reportLine('whole run', verdict, { expected: 0, unexpected: 0, byKind: {}, unexpectedSamples: [] });
    report.push(`${line} (5xx: see the scenarios)`);
    process.stdout.write(`${line}\n`);

    // Conservation, per product: units on hand = initial − units of PAID orders; none held.
    // catalog-service commits or releases a reservation when it consumes order.paid or
    // order.payment_failed, moments after the order is final: wait for that (bounded), then judge.
    const { products: ledger, openReservations } = await waitFor(
      async () => {
        const entries = await dbs.stockLedger([...products.keys()]);
        return [...entries.products.values()].every((e) => e.reserved === 0) ? entries : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: 'no unit held any more' },
    ).then((entries) => entries!, () => dbs.stockLedger([...products.keys()]));
    const unbalanced = [...products].flatMap(([id, initial]) => {
      const entry = ledger.get(id)!;
      return entry.onHand === initial - entry.paidUnits && entry.reserved === 0 && entry.stock >= 0 ? [] : [{ id, initial, ...entry }];
    });
    const statuses = await dbs.orders(everyAccepted.map((a) => a.orderId));
    const rejected = [...statuses.values()].filter((o) => o.status === 'REJECTED').length;
    const scarce = ledger.get(scarceProduct)!;
    process.stdout.write(
      `stock: scarce product ${SCARCE_STOCK} → ${scarce.stock} left, ${scarce.paidUnits} sold, ${rejected} orders REJECTED; ` +
        `plenty: ${[...products.keys()].filter((id) => id !== scarceProduct).map((id) => ledger.get(id)!.paidUnits).join('/')} units sold; open reservations ${openReservations}\n`,
    );

    expect({
      lost: verdict.accepted - verdict.settled,
      doubleCharges: verdict.doubleCharges,
      duplicateMailsSinceTheScenarios: verdict.duplicateMails - duplicateMailsSeen,
      orphans,
      crashes: system.unexpectedExits,
      unbalanced,
      openReservations,
    }).toEqual({
      lost: 0,
      doubleCharges: 0,
      duplicateMailsSinceTheScenarios: 0,
      orphans: [],
      crashes: [],
      unbalanced: [],
      openReservations: 0,
    });
    // The scarce product sold out during the run, so the REJECTED path was taken under the faults.
    expect(rejected).toBeGreaterThan(0);
    expect(scarce.paidUnits).toBeLessThanOrEqual(SCARCE_STOCK);
  });
});

// ---------------------------------------------------------------------------------------------

async function isReady(name: ServiceName): Promise<boolean> {
  const service = system.services.find((s) => s.name === name)!;
  try {
    const res = await fetch(`http://127.0.0.1:${service.port}/ready`, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

function envelopeId(msg: CollectedMessage): string | undefined {
  const id = (msg.json as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

function uniqueById(messages: CollectedMessage[]): CollectedMessage[] {
  const seen = new Set<string>();
  return messages.filter((m) => {
    const id = envelopeId(m);
    if (!id || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** The consuming services a routing key reaches (the bindings of README's event table). */
function consumersOf(routingKey: string): string[] {
  const consumers: Record<string, string[]> = {
    'order.created': ['catalog-service', 'notification-service'],
    'order.stock_confirmed': ['payment-service'],
    'order.paid': ['catalog-service', 'notification-service'],
    'order.payment_failed': ['catalog-service', 'notification-service'],
    'order.cancelled': ['catalog-service', 'payment-service', 'notification-service'],
    'order.refund_requested': ['payment-service'],
  };
  if (routingKey.startsWith('payment.') || routingKey.startsWith('stock.')) return ['order-service'];
  if (routingKey.startsWith('product.')) return ['order-service'];
  return consumers[routingKey] ?? ['notification-service'];
}

/** True when the attempt's order buys the product. */
function buys(attempt: OrderAttempt, productId: string): boolean {
  return (attempt.body as { items: Array<{ productId: string }> }).items.some((item) => item.productId === productId);
}

/** An exact copy of a captured event, published to the exchange like the original. */
async function republish(msg: CollectedMessage): Promise<void> {
  const { properties } = msg;
  await probe.publish(system.exchange, msg.routingKey, msg.content, {
    persistent: true,
    contentType: properties.contentType,
    messageId: properties.messageId,
    type: properties.type,
    timestamp: properties.timestamp,
    headers: msg.headers,
  });
}

/** One poison message straight into each consuming queue: bad JSON, a bad envelope, a bad payload. */
async function sendPoison(): Promise<Record<string, string>> {
  const marks: Record<string, string> = {};
  const bodies: Record<string, [string, string]> = {
    'catalog-service': [
      'order.created',
      JSON.stringify({ id: randomUUID(), type: 'order.created', version: 1, occurredAt: new Date().toISOString(), payload: { orderId: 'nope', items: [] } }),
    ],
    'order-service': ['payment.succeeded', '{"id": "this is not JSON'],
    'payment-service': ['order.stock_confirmed', JSON.stringify({ id: 'not-a-uuid', type: 'order.stock_confirmed', version: 1, payload: {} })],
    'notification-service': [
      'order.paid',
      JSON.stringify({ id: randomUUID(), type: 'order.paid', version: 1, occurredAt: new Date().toISOString(), payload: { orderId: 'nope' } }),
    ],
  };
  for (const service of MESSAGING_SERVICES) {
    const [type, body] = bodies[service]!;
    marks[service] = `poison-${service}-${randomUUID()}`;
    await probe.publish('', probe.queueOf(service), Buffer.from(body), {
      persistent: true,
      contentType: 'application/json',
      type,
      headers: { 'x-chaos-poison': marks[service] },
    });
  }
  return marks;
}

/**
 * Waits until the consumers are idle: every queue and retry queue empty and the consumed counters
 * unchanged over half a second (and, when given, grown by at least `deliveries` since `before`).
 */
async function waitForQuiet(before?: Record<string, number>, deliveries?: Record<string, number>): Promise<void> {
  let last: Record<string, number> | undefined;
  await waitFor(
    async () => {
      const [counts, depths] = await Promise.all([consumedCounts(system), probe.depths()]);
      const empty = Object.values(depths.pending).every((n) => n === 0);
      const grown = !before || MESSAGING_SERVICES.every((s) => counts[s]! - before[s]! >= deliveries![s]!);
      const stable = !!last && MESSAGING_SERVICES.every((s) => counts[s] === last![s]);
      last = counts;
      return empty && grown && stable;
    },
    { timeoutMs: 30_000, intervalMs: 500, what: 'the consumers to go idle' },
  );
}
