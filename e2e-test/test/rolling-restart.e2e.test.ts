// Zero-failed-request rolling restart: two copies of every service and two gateways; a steady
// stream of orders (each with an Idempotency-Key) and catalog reads goes through both gateways
// while every process is restarted in turn with SIGTERM (the way Kubernetes rolls a Deployment).
//
// What makes it work (README "Running replicas" and "Shutdown"): a process that gets SIGTERM
// first answers 503 on /ready for SHUTDOWN_DRAIN_MS (1 s in the stack with copies) while it
// still serves; the gateways poll each copy's /ready every 250 ms and stop sending to it; then
// it stops accepting, finishes what is in flight, ends its keep-alive connections after their
// answer, stops its consumers (unacked messages go back to the queue for the other copy), its
// relay, its database. The client here does what a load balancer in front of the gateways does:
// it polls their /ready the same way and sends only to the ready ones. It would retry the same
// Idempotency-Key on the other gateway after a network error, but none may happen.
//
// Asserted: no 5xx and no connection error seen by the client, every order answered 201, every
// accepted order final as its card dictates (chaos-kit's judge), one charge per order, no order
// the client does not know of, no crash.
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@shop/platform/testing';
import { CARD_KINDS, CARDS, Databases, latency, newCustomer, settle, type AcceptedOrder, type CardKind, type Customer } from './chaos-kit';
import { mintToken } from './security-tokens';
import { startSystem, type InstanceName, type RunningSystem } from './system';

// The stream: an order and a catalog read every TICK_MS, at most MAX_IN_FLIGHT requests at once.
const TICK_MS = 125;
const MAX_IN_FLIGHT = 32;
// After a restarted copy is ready, how long before the next one stops: the gateways' /ready
// polls (every 250 ms) must have put it back in rotation, or the next drain would leave none.
const BACK_IN_ROTATION_MS = 750;
// How often the client asks each gateway's /ready (a load balancer's health check).
const CLIENT_PROBE_MS = 100;
const SETTLE_TIMEOUT_MS = 60_000;
// Restarted in this order: the services' copies one after another, then the gateways.
const ROLLING_ORDER: InstanceName[] = [
  'user-service', 'user-service#2',
  'catalog-service', 'catalog-service#2',
  'order-service', 'order-service#2',
  'payment-service', 'payment-service#2',
  'notification-service', 'notification-service#2',
  'api-gateway', 'api-gateway#2',
];

let system: RunningSystem;
let dbs: Databases;
let customers: Customer[];
let productId = '';

beforeAll(async () => {
  system = await startSystem({
    replicas: 2,
    gateways: 2,
    // A slot of its own (12000–12494 and +100 for the second copies), away from the other suites.
    portOffset: 9000 + (randomBytes(1)[0]! % 40) * 10,
    env: {
      // The stream is 16 requests/s from three customers: the per-client limit is not under test.
      RATE_LIMIT_MAX: '100000',
      // This machine's two cores run twelve processes and the load: a lookup slowed by CPU
      // starvation is not what is under test (as in the chaos suite).
      USER_SERVICE_TIMEOUT_MS: '3000',
      LOG_LEVEL: 'info',
    },
  });
  dbs = await Databases.open(system);
  customers = [];
  for (const name of ['Ada', 'Brian', 'Chloe']) customers.push(await newCustomer(system, name));
  // A product that never runs out, so every order's end is dictated by its card alone.
  const admin = await mintToken(system.services.find((s) => s.name === 'api-gateway')!.env.JWT_SECRET!, { role: 'admin' });
  const created = await fetch(`${system.gateway}/products`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ sku: `ROLL-${randomUUID().slice(0, 8)}`, name: 'Rolling product', priceCents: 1500, currency: 'EUR', stock: 1_000_000 }),
  });
  if (created.status !== 201) throw new Error(`creating a product answered ${created.status} ${await created.text()}`);
  productId = ((await created.json()) as { id: string }).id;
  await waitFor(async () => (await dbs.knownToOrders([productId])) === 1, { timeoutMs: 10_000, what: "order-service's copy of the product" });
}, 150_000);

afterAll(async () => {
  // ROLLING_LOGS=<file>: every process's log lines, for a post-mortem.
  if (process.env.ROLLING_LOGS && system) writeFileSync(process.env.ROLLING_LOGS, `${system.logs.map((l) => JSON.stringify({ service: l.service, ...l.line })).join('\n')}\n`);
  await dbs?.close();
  await system?.stop();
}, 60_000);

/** One request as the client saw it. */
interface Outcome {
  kind: 'order' | 'read';
  status: number; // 0: no HTTP answer
  /** The error code of a refusal ({ code } of the body). */
  code?: string;
  startedAt: number;
  /** Network errors met on the way (each followed by a retry on the other gateway). */
  networkErrors: string[];
  orderId?: string;
  card?: CardKind;
  gateway: number;
  ms: number;
}

/**
 * The client's view of the gateways, as a load balancer keeps it: each one's /ready polled
 * every CLIENT_PROBE_MS; requests go round-robin over the ready ones.
 */
class GatewayBalancer {
  private readonly ready: boolean[];
  private cursor = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly bases: string[]) {
    this.ready = bases.map(() => true);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.bases.forEach((base, i) => {
        fetch(`${base.replace(/\/api$/, '')}/ready`, { signal: AbortSignal.timeout(1000) })
          .then((res) => {
            this.ready[i] = res.ok;
            return res.body?.cancel();
          })
          .catch((error: Error) => {
            // No answer in time is a busy gateway, not a gone one; a refused connection is gone.
            if (error.name !== 'TimeoutError') this.ready[i] = false;
          });
      });
    }, CLIENT_PROBE_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The next ready gateway other than `not` (any other one when none is ready). */
  pick(not?: number): number {
    const candidates = this.bases.map((_, i) => i).filter((i) => i !== not);
    const ready = candidates.filter((i) => this.ready[i]);
    const from = ready.length > 0 ? ready : candidates;
    this.cursor++;
    return from[this.cursor % from.length]!;
  }
}

/** Sends one request through a ready gateway; on a network error, the same request (same Idempotency-Key) to the other. */
async function send(balancer: GatewayBalancer, method: string, path: string, init: { token?: string; body?: unknown; key?: string }): Promise<Omit<Outcome, 'kind' | 'card'>> {
  const started = Date.now();
  const networkErrors: string[] = [];
  let gateway = balancer.pick();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const res = await fetch(`${system.gateways[gateway]}${path}`, {
        method,
        headers: {
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...(init.key ? { 'idempotency-key': init.key } : {}),
        },
        body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await res.json().catch(() => ({}))) as { id?: string; code?: string };
      return {
        status: res.status,
        networkErrors,
        gateway,
        startedAt: started,
        ms: Date.now() - started,
        ...(body.code ? { code: body.code } : {}),
        ...(res.status === 201 && body.id ? { orderId: body.id } : {}),
      };
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
      networkErrors.push(`gateway ${gateway + 1}: ${(error as Error).name} ${cause?.code ?? cause?.message ?? (error as Error).message}`);
      gateway = balancer.pick(gateway);
    }
  }
  return { status: 0, networkErrors, gateway, startedAt: started, ms: Date.now() - started };
}

/** An order and a catalog read every TICK_MS until stopped; resolves with every outcome once the last answer is in. */
function streamLoad(balancer: GatewayBalancer): { stop: () => Promise<Outcome[]> } {
  const outcomes: Outcome[] = [];
  const inFlight = new Set<Promise<void>>();
  let running = true;
  const track = (task: Promise<void>) => {
    const tracked = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  const loop = (async () => {
    const startedAt = Date.now();
    for (let seq = 0; running; seq++) {
      // Open-loop pacing of the load generator: the seq-th tick is due at startedAt + seq * TICK_MS.
      const due = startedAt + seq * TICK_MS;
      if (due > Date.now()) await sleep(due - Date.now());
      while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      const customer = customers[seq % customers.length]!;
      const card = CARD_KINDS[Math.floor(seq / customers.length) % CARD_KINDS.length]!;
      const body = { items: [{ productId, quantity: 1 + (seq % 3) }], paymentMethodId: customer.cards[card] };
      const key = `rolling-${seq}-${randomUUID()}`;
      track(send(balancer, 'POST', '/orders', { token: customer.token, body, key }).then((o) => void outcomes.push({ kind: 'order', card, ...o })));
      track(send(balancer, 'GET', '/products?limit=5', {}).then((o) => void outcomes.push({ kind: 'read', ...o })));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await Promise.all(inFlight);
      return outcomes;
    },
  };
}

describe('a rolling restart of every process under load', () => {
  test('When every copy of every service and both gateways are restarted one after another with SIGTERM, then no request fails and every order settles, charged once', async () => {
    const balancer = new GatewayBalancer(system.gateways);
    balancer.start();
    const load = streamLoad(balancer);
    const restarts: string[] = [];
    const rollStartedAt = Date.now();
    const at = (time: number) => `+${((time - rollStartedAt) / 1000).toFixed(1)} s`;
    // Let the stream run a moment before the first stop, so it is steady when the roll begins.
    await sleep(2000);
    for (const instance of ROLLING_ORDER) {
      const stopAt = Date.now();
      await system.kill(instance, 'SIGTERM');
      const exitedAt = Date.now();
      await system.start(instance);
      restarts.push(`${instance} SIGTERM at ${at(stopAt)}, stopped in ${exitedAt - stopAt} ms, ready in ${Date.now() - exitedAt} ms`);
      // Pacing of the roll: the restarted copy must be back in the gateways' rotation first.
      await sleep(BACK_IN_ROTATION_MS);
    }
    await sleep(1000);
    const outcomes = await load.stop();
    balancer.stop();
    const rollMs = Date.now() - rollStartedAt;

    const orders = outcomes.filter((o) => o.kind === 'order');
    const accepted: AcceptedOrder[] = orders.flatMap((o) => (o.orderId ? [{ orderId: o.orderId, card: o.card! }] : []));
    const { verdict, ms: settleMs } = await settle(system, dbs, accepted, SETTLE_TIMEOUT_MS);
    const known = new Set(accepted.map((a) => a.orderId));
    const orphans = (await dbs.allOrderIds()).filter((id) => !known.has(id));
    const failed = outcomes.filter((o) => o.status === 0 || o.status >= 500);
    const networkErrors = outcomes.flatMap((o) => o.networkErrors);
    const statuses: Record<string, number> = {};
    for (const o of outcomes) {
      const kind = `${o.kind} ${o.status}${o.code ? ` ${o.code}` : ''}`;
      statuses[kind] = (statuses[kind] ?? 0) + 1;
    }
    const paid = accepted.filter((a) => CARDS[a.card].status === 'PAID').length;
    const ms = latency(outcomes.map((o) => o.ms));
    process.stdout.write(
      [
        '',
        `rolling restart of ${ROLLING_ORDER.length} processes in ${(rollMs / 1000).toFixed(1)} s under load:`,
        ...restarts.map((line) => `    ${line}`),
        `requests ${outcomes.length} (${orders.length} orders, ${outcomes.length - orders.length} reads) over both gateways (${outcomes.filter((o) => o.gateway === 0).length}/${outcomes.filter((o) => o.gateway === 1).length}); answers ${JSON.stringify(statuses)}`,
        `failed requests ${failed.length} (5xx or no answer)${failed.length ? ` (${failed.slice(0, 5).map((o) => `${o.kind} ${o.status} ${o.code ?? ''} at ${at(o.startedAt)} in ${o.ms} ms`).join('; ')})` : ''}`,
        `network errors seen by the client ${networkErrors.length}${networkErrors.length ? ` (${networkErrors.slice(0, 5).join('; ')})` : ''}`,
        `latency p50 ${ms.p50} ms / p95 ${ms.p95} ms / max ${ms.max} ms`,
        `orders accepted ${verdict.accepted}, settled ${verdict.settled} in ${(settleMs / 1000).toFixed(1)} s, lost or stuck ${verdict.accepted - verdict.settled}, PAID ${paid}, double charges ${verdict.doubleCharges}, duplicate mails ${verdict.duplicateMails}, orphan orders ${orphans.length}`,
        ...verdict.problems,
        '',
      ].join('\n'),
    );

    expect(orders.length).toBeGreaterThan(200);
    expect({
      failedRequests: failed.length,
      networkErrors,
      ordersNotAccepted: orders.filter((o) => o.status !== 201).map((o) => o.status),
      readsNotOk: outcomes.filter((o) => o.kind === 'read' && o.status !== 200).map((o) => o.status),
      lostOrStuck: verdict.accepted - verdict.settled,
      problems: verdict.problems,
      doubleCharges: verdict.doubleCharges,
      orphans,
      crashes: system.unexpectedExits,
    }).toEqual({
      failedRequests: 0,
      networkErrors: [],
      ordersNotAccepted: [],
      readsNotOk: [],
      lostOrStuck: 0,
      problems: [],
      doubleCharges: 0,
      orphans: [],
      crashes: [],
    });
  }, 240_000);
});
