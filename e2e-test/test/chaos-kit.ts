// Tools of the fault-injection suite (chaos.e2e.test.ts): a gateway client, an open-loop order
// stream, read-only views of the services' databases, broker probes, and the verdict per order.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { Client } from 'pg';
import { MESSAGING_SERVICES, type RunningSystem, type ServiceName } from './system';

// ---------------------------------------------------------------------------------------------
// Gateway client

export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** One call through the gateway, as a user of the system would make it. */
export async function call<T = Record<string, unknown>>(
  system: RunningSystem,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number; /** Another gateway of the system than the first. */ gateway?: string } = {},
): Promise<Answer<T>> {
  const res = await fetch(`${options.gateway ?? system.gateway}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { text };
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

// ---------------------------------------------------------------------------------------------
// Customers and their cards

/** The test cards of payment-service's simulated processor, and what each must lead to. */
export const CARDS = {
  good: { number: '4242 4242 4242 4242', status: 'PAID', payment: 'succeeded', reason: null },
  declined: { number: '4000 0000 0000 0002', status: 'PAYMENT_FAILED', payment: 'failed', reason: 'card_declined' },
  // No answer on the first two attempts of a delivery, then success: it goes through the retry queues.
  transient: { number: '4000 0000 0000 0119', status: 'PAID', payment: 'succeeded', reason: null },
} as const;
export type CardKind = keyof typeof CARDS;
export const CARD_KINDS = Object.keys(CARDS) as CardKind[];

export interface Customer {
  id: string;
  email: string;
  token: string;
  cards: Record<CardKind, string>;
}

/** Registers a user, signs in and saves one card of each kind. */
export async function newCustomer(system: RunningSystem, name: string): Promise<Customer> {
  const email = `${name.toLowerCase()}-${randomUUID()}@example.com`;
  const password = 'correct horse battery staple';
  const user = await call<{ id: string }>(system, 'POST', '/users', { body: { name, email, password } });
  if (user.status !== 201) throw new Error(`register answered ${user.status} ${JSON.stringify(user.body)}`);
  const login = await call<{ accessToken: string }>(system, 'POST', '/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login answered ${login.status} ${JSON.stringify(login.body)}`);
  const token = login.body.accessToken;
  const cards = {} as Record<CardKind, string>;
  for (const kind of CARD_KINDS) {
    const res = await call<{ id: string }>(system, 'POST', '/payments/methods', {
      token,
      body: { cardNumber: CARDS[kind].number, expMonth: 12, expYear: new Date().getFullYear() + 3, holderName: name },
    });
    if (res.status !== 201) throw new Error(`adding a card answered ${res.status} ${JSON.stringify(res.body)}`);
    cards[kind] = res.body.id;
  }
  return { id: user.body.id, email, token, cards };
}

// ---------------------------------------------------------------------------------------------
// The order stream

/** What the client got for one order request (and for its retry, when the first answer was not definite). */
export interface Reply {
  status: number; // 0 = no HTTP answer at all (network error, client timeout)
  code?: string;
  orderId?: string;
  retryAfter?: string | null;
  startedAt: number;
  endedAt: number;
}

export interface OrderAttempt {
  seq: number;
  customer: Customer;
  card: CardKind;
  idempotencyKey: string;
  body: unknown;
  first: Reply;
  /** The retries, when the first answer was not definite (the last one is what the client kept). */
  retries: Reply[];
}

/** The order the client ended up with: the first 201, or the retry's. */
export const acceptedOrderId = (a: OrderAttempt): string | undefined =>
  [a.first, ...a.retries].find((reply) => reply.status === 201)?.orderId;

/** No definite answer: the order may or may not exist, so a client retries with the same key. */
export const isAmbiguous = (reply: Reply) => reply.status === 0 || reply.status === 502 || reply.status === 504;

async function postOrder(system: RunningSystem, attempt: Pick<OrderAttempt, 'customer' | 'idempotencyKey' | 'body'>): Promise<Reply> {
  const startedAt = Date.now();
  try {
    const res = await call<{ id?: string; code?: string }>(system, 'POST', '/orders', {
      token: attempt.customer.token,
      body: attempt.body,
      headers: { 'idempotency-key': attempt.idempotencyKey },
    });
    return {
      status: res.status,
      ...(res.body.code ? { code: res.body.code } : {}),
      ...(res.status === 201 && res.body.id ? { orderId: res.body.id } : {}),
      retryAfter: res.headers.get('retry-after'),
      startedAt,
      endedAt: Date.now(),
    };
  } catch (error) {
    return { status: 0, code: (error as Error).name, startedAt, endedAt: Date.now() };
  }
}

/** The ids of the sample catalog the stack seeds: what the stream's orders buy. */
async function seededProductIds(system: RunningSystem): Promise<string[]> {
  const res = await call<{ items?: Array<{ id: string }> }>(system, 'GET', '/products?limit=100');
  if (res.status !== 200 || !res.body.items?.length) throw new Error(`listing products answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items.map((product) => product.id);
}

/**
 * An open-loop stream of `count` orders spread evenly over `durationMs` (it does not slow down
 * when the system does, as real customers do not), at most `maxInFlight` at once. Customers
 * and cards rotate so every customer uses every card kind.
 */
export async function driveOrders(
  system: RunningSystem,
  customers: Customer[],
  options: { count: number; durationMs: number; maxInFlight?: number; seqBase?: number; products?: string[] },
): Promise<OrderAttempt[]> {
  const { count, durationMs, maxInFlight = 32, seqBase = 0 } = options;
  const interval = durationMs / count;
  const products = options.products ?? (await seededProductIds(system));
  const startedAt = Date.now();
  const attempts: OrderAttempt[] = [];
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < count; i++) {
    const due = startedAt + i * interval;
    // Open-loop pacing of the load generator: the i-th order leaves at its due time.
    if (due > Date.now()) await sleep(due - Date.now());
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const seq = seqBase + i;
    const customer = customers[Math.floor(i / CARD_KINDS.length) % customers.length]!;
    const card = CARD_KINDS[i % CARD_KINDS.length]!;
    const body = {
      items: [{ productId: products[seq % products.length]!, quantity: 1 + (seq % 3) }],
      paymentMethodId: customer.cards[card],
    };
    const attempt: OrderAttempt = { seq, customer, card, idempotencyKey: `chaos-${seq}-${randomUUID()}`, body, first: undefined as never, retries: [] };
    attempts.push(attempt);
    const task = postOrder(system, attempt).then((reply) => {
      attempt.first = reply;
    });
    const tracked = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }
  await Promise.all(inFlight);
  return attempts;
}

/**
 * Retries every order whose first answer was not definite, with the same Idempotency-Key and
 * body, as a well-behaved client does: a few at a time (no retry storm on a service that just
 * restarted), up to `maxRetries` times with a growing pause, until the answer is definite.
 */
export async function retryAmbiguous(system: RunningSystem, attempts: OrderAttempt[], options: { concurrency?: number; maxRetries?: number } = {}): Promise<void> {
  const { concurrency = 4, maxRetries = 3 } = options;
  const queue = attempts.filter((a) => isAmbiguous(a.first));
  const worker = async () => {
    for (let a = queue.shift(); a; a = queue.shift()) {
      for (let n = 0; n < maxRetries; n++) {
        // The client's backoff between retries (0.5 s, 1 s...), as a well-behaved client waits.
        if (n > 0) await sleep(500 * 2 ** (n - 1));
        const reply = await postOrder(system, a);
        a.retries.push(reply);
        if (!isAmbiguous(reply)) break;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

// ---------------------------------------------------------------------------------------------
// 5xx accounting

/** A fault during which some 5xx answers are the system telling the truth. */
export interface FaultWindow {
  from: number;
  to: number;
  /** The statuses and error codes that are expected in the window. */
  accepts: Array<{ status: number; code: string }>;
}

export interface ServerErrors {
  expected: number;
  unexpected: number;
  byKind: Record<string, number>;
  unexpectedSamples: string[];
}

/**
 * Counts the 5xx answers (and answers that never came) of the first tries and the retries. A
 * 5xx is expected only when it is one the fault window accepts and the request overlapped it.
 */
export function countServerErrors(attempts: OrderAttempt[], windows: FaultWindow[]): ServerErrors {
  const result: ServerErrors = { expected: 0, unexpected: 0, byKind: {}, unexpectedSamples: [] };
  const since = Math.min(...attempts.map((a) => a.first.startedAt));
  for (const a of attempts) {
    for (const reply of [a.first, ...a.retries]) {
      if (reply.status > 0 && reply.status < 500) continue;
      const kind = `${reply.status} ${reply.code ?? '?'}`;
      result.byKind[kind] = (result.byKind[kind] ?? 0) + 1;
      const expected = windows.some(
        (w) => reply.startedAt <= w.to && reply.endedAt >= w.from && w.accepts.some((x) => x.status === reply.status && x.code === reply.code),
      );
      if (expected) result.expected++;
      else {
        result.unexpected++;
        if (result.unexpectedSamples.length < 5) {
          result.unexpectedSamples.push(`order #${a.seq}: ${kind} ${reply.endedAt - reply.startedAt} ms after +${((reply.startedAt - since) / 1000).toFixed(1)} s`);
        }
      }
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Read-only views of the services' databases

/** Read-only connections to catalog-, order-, payment- and notification-service's databases. */
export class Databases {
  private constructor(private readonly clients: Record<'catalog' | 'orders' | 'payments' | 'notifications', Client>) {}

  static async open(system: RunningSystem): Promise<Databases> {
    const open = async (service: ServiceName) => {
      const url = system.services.find((s) => s.name === service)!.env.DATABASE_URL!;
      // Every statement of these sessions is read-only: the test looks, the services write.
      const client = new Client({ connectionString: url, options: '-c default_transaction_read_only=on' });
      await client.connect();
      return client;
    };
    return new Databases({
      catalog: await open('catalog-service'),
      orders: await open('order-service'),
      payments: await open('payment-service'),
      notifications: await open('notification-service'),
    });
  }

  /**
   * Per product: units on hand (stock + reserved) and held by reservations in catalog-service, and
   * units of PAID orders in order-service; and how many reservations are still open, of any product.
   */
  async stockLedger(productIds: string[]): Promise<{ products: Map<string, { onHand: number; reserved: number; stock: number; paidUnits: number }>; openReservations: number }> {
    const [products, paid, open] = await Promise.all([
      this.clients.catalog.query<{ id: string; stock: number; reserved: number }>('SELECT id, stock, reserved FROM products WHERE id = ANY($1::uuid[])', [productIds]),
      this.clients.orders.query<{ product_id: string; units: number }>(
        `SELECT l.product_id, sum(l.quantity)::int AS units FROM order_lines l JOIN orders o ON o.id = l.order_id
          WHERE o.status = 'PAID' AND l.product_id = ANY($1::uuid[]) GROUP BY l.product_id`,
        [productIds],
      ),
      this.clients.catalog.query<{ n: number }>("SELECT count(*)::int AS n FROM stock_reservations WHERE status = 'reserved'"),
    ]);
    const paidUnits = new Map(paid.rows.map((r) => [r.product_id, r.units]));
    return {
      products: new Map(products.rows.map((p) => [p.id, { onHand: p.stock + p.reserved, reserved: p.reserved, stock: p.stock, paidUnits: paidUnits.get(p.id) ?? 0 }])),
      openReservations: open.rows[0]!.n,
    };
  }

  async orders(ids: string[]) {
    const { rows } = await this.clients.orders.query<{ id: string; status: string; failure_reason: string | null }>(
      'SELECT id, status, failure_reason FROM orders WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** How many of these products order-service's copy of the catalog holds (it learns of new ones by event). */
  async knownToOrders(productIds: string[]): Promise<number> {
    const { rows } = await this.clients.orders.query<{ n: number }>('SELECT count(*)::int AS n FROM catalog_products WHERE id = ANY($1::uuid[])', [productIds]);
    return rows[0]!.n;
  }

  /** Every order id in order-service's database. */
  async allOrderIds(): Promise<string[]> {
    const { rows } = await this.clients.orders.query<{ id: string }>('SELECT id FROM orders');
    return rows.map((r) => r.id);
  }

  /** Which of these idempotency keys order-service stored (a stored key means an order was written). */
  async storedIdempotencyKeys(keys: string[]): Promise<string[]> {
    const { rows } = await this.clients.orders.query<{ key: string }>('SELECT key FROM idempotency_keys WHERE key = ANY($1)', [keys]);
    return rows.map((r) => r.key);
  }

  /** Unpublished outbox rows of the services that publish events. */
  async outboxBacklog(): Promise<{ catalog: number; orders: number; payments: number }> {
    const sql = 'SELECT count(*)::int AS n FROM outbox_messages WHERE published_at IS NULL';
    const [c, o, p] = await Promise.all([this.clients.catalog, this.clients.orders, this.clients.payments].map((client) => client.query<{ n: number }>(sql)));
    return { catalog: c!.rows[0]!.n, orders: o!.rows[0]!.n, payments: p!.rows[0]!.n };
  }

  async payments(orderIds: string[]) {
    const { rows } = await this.clients.payments.query<{ order_id: string; status: string; failure_reason: string | null }>(
      'SELECT order_id, status, failure_reason FROM payments WHERE order_id = ANY($1::uuid[])',
      [orderIds],
    );
    const byOrder = new Map<string, typeof rows>();
    for (const row of rows) byOrder.set(row.order_id, [...(byOrder.get(row.order_id) ?? []), row]);
    return byOrder;
  }

  async notifications(orderIds: string[]) {
    const { rows } = await this.clients.notifications.query<{ order_id: string; event_id: string; event_type: string; status: string }>(
      'SELECT order_id, event_id, event_type, status FROM notifications WHERE order_id = ANY($1::uuid[])',
      [orderIds],
    );
    const byOrder = new Map<string, typeof rows>();
    for (const row of rows) byOrder.set(row.order_id, [...(byOrder.get(row.order_id) ?? []), row]);
    return byOrder;
  }

  async close(): Promise<void> {
    await Promise.all(Object.values(this.clients).map((c) => c.end().catch(() => undefined)));
  }
}

// ---------------------------------------------------------------------------------------------
// The verdict on a set of accepted orders

/** Mails in the sink per Message-ID local part, which notification-service sets to the event id. */
export function mailsByEventId(system: RunningSystem): Map<string, number> {
  const counts = new Map<string, number>();
  for (const mail of system.mails) {
    const id = /^Message-ID:\s*<([^@>]+)@/im.exec(mail.raw)?.[1];
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

export interface AcceptedOrder {
  orderId: string;
  card: CardKind;
  /** It buys a product that may run out: REJECTED (out_of_stock, never charged) is then a right end too. */
  mayRunOut?: boolean;
}

export interface Verdict {
  accepted: number;
  /** Final in the state its card dictates, charged once, one sent mail per event. */
  settled: number;
  pending: number;
  doubleCharges: number;
  duplicateMails: number;
  /** Orders that are not settled, with what is missing (first few). */
  problems: string[];
}

/** What an order that met an empty shelf must end as: never charged, two mails. */
const OUT_OF_STOCK = { status: 'REJECTED', payment: null, reason: 'out_of_stock' } as const;
/** The mail that tells the customer how the order ended, by final status. */
const MAIL_OF: Record<string, string> = { PAID: 'order.paid', PAYMENT_FAILED: 'order.payment_failed', REJECTED: 'order.rejected' };

/** Checks every accepted order against what its card (or an empty shelf) dictates. */
export async function judge(system: RunningSystem, dbs: Databases, accepted: AcceptedOrder[]): Promise<Verdict> {
  const ids = accepted.map((a) => a.orderId);
  const [orders, payments, notifications] = await Promise.all([dbs.orders(ids), dbs.payments(ids), dbs.notifications(ids)]);
  const mails = mailsByEventId(system);
  const verdict: Verdict = { accepted: accepted.length, settled: 0, pending: 0, doubleCharges: 0, duplicateMails: 0, problems: [] };
  for (const { orderId, card, mayRunOut } of accepted) {
    const order = orders.get(orderId);
    const rejected = !!mayRunOut && order?.status === 'REJECTED';
    const expected = rejected ? OUT_OF_STOCK : CARDS[card];
    const problems: string[] = [];
    if (!order) problems.push('order missing');
    else {
      if (order.status === 'PENDING' || order.status === 'STOCK_RESERVED') verdict.pending++;
      if (order.status !== expected.status || (expected.reason && order.failure_reason !== expected.reason)) {
        problems.push(`status ${order.status}${order.failure_reason ? `/${order.failure_reason}` : ''}`);
      }
    }
    const charged = payments.get(orderId) ?? [];
    verdict.doubleCharges += Math.max(0, charged.length - 1);
    if (expected.payment === null) {
      if (charged.length > 0) problems.push(`charged though ${expected.status}`);
    } else if (charged.length === 0) problems.push('no payment');
    else if (charged.some((p) => p.status !== expected.payment)) problems.push(`payment ${charged.map((p) => p.status).join(',')}`);

    const wantedTypes = ['order.created', MAIL_OF[expected.status]];
    const rows = notifications.get(orderId) ?? [];
    for (const type of new Set([...wantedTypes, ...rows.map((r) => r.event_type)])) {
      const ofType = rows.filter((r) => r.event_type === type);
      const mailCount = ofType.reduce((sum, r) => sum + (mails.get(r.event_id) ?? 0), 0);
      if (!wantedTypes.includes(type)) {
        // A mail about something that did not happen to this order is one mail too many.
        verdict.duplicateMails += mailCount;
        problems.push(`unexpected ${type} notification`);
        continue;
      }
      verdict.duplicateMails += Math.max(0, mailCount - 1);
      if (mailCount === 0 || !ofType.some((r) => r.status === 'sent')) problems.push(`no ${type} mail`);
    }
    if (problems.length === 0) verdict.settled++;
    else if (verdict.problems.length < 5) verdict.problems.push(`${orderId} (${card}): ${problems.join(', ')}`);
  }
  return verdict;
}

/** Polls judge until every accepted order is settled, or timeoutMs passed; returns the last verdict and how long it took. */
export async function settle(
  system: RunningSystem,
  dbs: Databases,
  accepted: AcceptedOrder[],
  timeoutMs: number,
): Promise<{ verdict: Verdict; ms: number }> {
  const start = Date.now();
  for (;;) {
    const verdict = await judge(system, dbs, accepted);
    if (verdict.settled === verdict.accepted || Date.now() - start > timeoutMs) return { verdict, ms: Date.now() - start };
    // Polling interval: judge() reads five databases and the mail sink; it also times how long settling took.
    await sleep(250);
  }
}

// ---------------------------------------------------------------------------------------------
// The broker, seen from the side (a direct connection, never through the services' proxy)

export interface QueueDepths {
  /** Ready messages in each service's queue and its retry queues. */
  pending: Record<string, number>;
  /** Ready messages in each service's dead queue. */
  dead: Record<string, number>;
}

export class BrokerProbe {
  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
    readonly publisher: ConfirmChannel,
    private readonly exchange: string,
    private readonly retryQueues: number,
  ) {}

  static async open(url: string, exchange: string, retryQueues: number): Promise<BrokerProbe> {
    const connection = await connect(url);
    const channel = await connection.createChannel();
    const publisher = await connection.createConfirmChannel();
    return new BrokerProbe(connection, channel, publisher, exchange, retryQueues);
  }

  queueOf(service: string): string {
    return `${this.exchange}.${service}`;
  }

  async depths(): Promise<QueueDepths> {
    const depths: QueueDepths = { pending: {}, dead: {} };
    for (const service of MESSAGING_SERVICES) {
      const queue = this.queueOf(service);
      let pending = (await this.channel.checkQueue(queue)).messageCount;
      for (let i = 0; i < this.retryQueues; i++) pending += (await this.channel.checkQueue(`${queue}.retry.${i}`)).messageCount;
      depths.pending[service] = pending;
      depths.dead[service] = (await this.channel.checkQueue(`${queue}.dead`)).messageCount;
    }
    return depths;
  }

  /** Takes every message out of a service's dead queue (the test then checks what they were). */
  async drainDead(service: string): Promise<Array<{ content: Buffer; headers: Record<string, unknown> }>> {
    const taken: Array<{ content: Buffer; headers: Record<string, unknown> }> = [];
    for (;;) {
      const msg = await this.channel.get(`${this.queueOf(service)}.dead`, { noAck: false });
      if (!msg) return taken;
      taken.push({ content: msg.content, headers: msg.properties.headers ?? {} });
      this.channel.ack(msg);
    }
  }

  /** Publishes and waits for the broker's confirm. */
  async publish(exchange: string, routingKey: string, content: Buffer, options: Parameters<ConfirmChannel['publish']>[3]): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.publisher.publish(exchange, routingKey, content, options, (error) => (error ? reject(error) : resolve()));
    });
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

/** Sum of messaging_messages_consumed_total of each messaging service (read from its /metrics). */
export async function consumedCounts(system: RunningSystem): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of MESSAGING_SERVICES) {
    const service = system.services.find((s) => s.name === name)!;
    const text = await (await fetch(`http://127.0.0.1:${service.port}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    counts[name] = text
      .split('\n')
      .filter((line) => line.startsWith('messaging_messages_consumed_total{'))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Reporting

export const REPORT_HEADER = 'scenario | accepted | settled | lost | double charges | duplicate mails | 5xx (expected/unexpected)';

export function reportLine(scenario: string, verdict: Verdict, errors: ServerErrors): string {
  const lost = verdict.accepted - verdict.settled;
  return `${scenario} | ${verdict.accepted} | ${verdict.settled} | ${lost} | ${verdict.doubleCharges} | ${verdict.duplicateMails} | ${errors.expected}/${errors.unexpected}`;
}

/** p50 and max of a list of durations, in ms. */
export function latency(values: number[]): { p50: number; p95: number; max: number } {
  if (values.length === 0) return { p50: 0, p95: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1)! };
}
