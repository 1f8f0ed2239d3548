import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PASSWORD, type Actor, type Order } from './security-actors';
import { sendRaw, statusLines } from './security-client';
import { startSecuritySystem, type SecuritySystem, type ServiceName } from './security-system';
import { mintToken } from './security-tokens';

// What a client can do to the gateway's upstream requests with the headers it sends: hop-by-hop
// lists (`Connection`), duplicated and obfuscated framing, claims the gateway must not trust.
// Raw sockets throughout, so every byte goes out exactly as written.

const SERVICES: ServiceName[] = ['user-service', 'catalog-service', 'order-service', 'payment-service', 'notification-service'];

let sys: SecuritySystem;
let alice: Actor;
let mallory: Actor;
/** Alice's paid order: its payment and mails are what another user must never see. */
let aliceOrder: Order;

beforeAll(async () => {
  // The matrix below sends several hundred requests as one user and one address: keep them all
  // under the rate limits, so each one reaches the code under test instead of a 429.
  sys = await startSecuritySystem({ RATE_LIMIT_MAX: '100000', LOGIN_RATE_LIMIT_MAX: '100000' });
  alice = await sys.shop.newCustomer('Alice');
  mallory = await sys.shop.newCustomer('Mallory');
  const card = await sys.shop.addCard(alice.token, '4242 4242 4242 4242');
  aliceOrder = await sys.shop.settled(alice.token, (await sys.shop.placeOrder(alice.token, card)).id);
}, 90_000);

afterAll(async () => {
  await sys?.system.stop();
}, 60_000);

/** One request as raw bytes: request line, headers as given (names, case and order kept), body. */
function rawRequest(method: string, path: string, headers: string[], body = ''): string {
  return `${method} ${path} HTTP/1.1\r\nHost: gateway\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`;
}

/** Requests a service has answered since it started, by route template (its own /metrics excluded). */
async function requestsSeen(service: ServiceName): Promise<Map<string, number>> {
  const answer = await sys.direct(service).send('GET', '/metrics');
  const seen = new Map<string, number>();
  for (const match of answer.text.matchAll(/^http_request_duration_seconds_count\{([^}]*)\} (\d+)/gm)) {
    const route = /route="([^"]*)"/.exec(match[1]!)?.[1] ?? '?';
    if (route === '/metrics') continue;
    seen.set(route, (seen.get(route) ?? 0) + Number(match[2]));
  }
  return seen;
}

/**
 * How often each service has answered its own /health: no request through the gateway can name
 * it (the gateway answers /health itself and routes only /api), so a count that moves is a
 * request that reached the service hidden in another one's body.
 */
async function canaryHits(): Promise<Record<string, number>> {
  const hits: Record<string, number> = {};
  for (const service of SERVICES) hits[service] = (await requestsSeen(service)).get('/health') ?? 0;
  return hits;
}

/** Accounts registered with this email (the smuggled registrations use canary addresses). */
async function accountsWith(email: string): Promise<number> {
  const users = sys.system.services.find((s) => s.name === 'user-service')!;
  const db = new Client({ connectionString: users.env.DATABASE_URL });
  await db.connect();
  try {
    const result = await db.query<{ n: string }>('SELECT count(*) AS n FROM users WHERE email = $1', [email.toLowerCase()]);
    return Number(result.rows[0]!.n);
  } finally {
    await db.end();
  }
}

/** Raw HTTP requests meant for a service, to hide in a body: a registration, its /health, an unknown path. */
function smuggledRequests(canaryEmail: string): string {
  const registration = JSON.stringify({ name: 'Smuggled', email: canaryEmail, password: PASSWORD });
  return (
    `POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(registration)}\r\n\r\n${registration}` +
    'GET /health HTTP/1.1\r\nHost: x\r\n\r\n' +
    `GET /smuggled-${randomUUID()} HTTP/1.1\r\nHost: x\r\n\r\n`
  );
}

/** The gateway still answers an ordinary signed-in request, and no process has died. */
async function expectEverythingUp(): Promise<void> {
  const me = await sys.shop.call('GET', '/users/me', { token: mallory.token });
  expect(me.status).toBe(200);
  expect(sys.system.unexpectedExits).toEqual([]);
}

describe('Regressions: what a client could do through the gateway', () => {
  test('When a customer names x-user-id in Connection to read another user, then 400 and nothing of that user comes back', async () => {
    const raw = await sendRaw(
      sys.gateway.port,
      rawRequest('GET', `/api/users/${alice.id}`, [`Authorization: Bearer ${mallory.token}`, 'Connection: x-user-id, close']),
    );

    expect(statusLines(raw)).toEqual([400]);
    expect(raw).not.toContain(alice.email);
    await expectEverythingUp();
  });

  test('When a request names content-length in Connection and hides requests in its body, then 400 and none of them reaches a service', async () => {
    const canaryEmail = `smuggled-${randomUUID()}@example.com`;
    const body = smuggledRequests(canaryEmail);
    const before = await canaryHits();

    const raw = await sendRaw(
      sys.gateway.port,
      rawRequest('GET', '/api/users/me', [`Authorization: Bearer ${mallory.token}`, 'Connection: content-length, close', `Content-Length: ${Buffer.byteLength(body)}`], body),
    );
    // A window in which nothing may happen, after the gateway's answer proved it handled the
    // request: a request hidden in the body would reach a service within milliseconds of it, and
    // there is no event to wait for when none does.
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(statusLines(raw)).toEqual([400]);
    expect(await accountsWith(canaryEmail)).toBe(0);
    expect(await canaryHits()).toEqual(before);
    await expectEverythingUp();
  });

  test('When a token signed with the real key carries CR/LF in its subject, then 401 for that request and the gateway keeps serving', async () => {
    const token = await mintToken(sys.secrets.jwtSecret, { sub: `${alice.id}\r\nx-user-role: admin` });

    const raw = await sendRaw(sys.gateway.port, rawRequest('GET', '/api/users/me', [`Authorization: Bearer ${token}`, 'Connection: close']));

    expect(statusLines(raw)).toEqual([401]);
    expect(sys.system.isRunning('api-gateway')).toBe(true);
    await expectEverythingUp();
  });
});

/** What of Alice's a raw answer gives away: her email, her order, her payment, her mails. */
function aliceDataIn(raw: string): string[] {
  const found: string[] = [];
  if (raw.includes(alice.email)) found.push("Alice's email");
  if (raw.includes(`"id":"${aliceOrder.id}"`) || raw.includes(`"orderId":"${aliceOrder.id}"`)) found.push("Alice's order");
  if (raw.includes(`"userId":"${alice.id}"`) || raw.includes(`"id":"${alice.id}"`)) found.push("Alice's account");
  return found;
}

/** One request of the matrix, and what the gateway answered. */
interface Probe {
  what: string;
  raw: string;
}

/** Sends each request on its own connection, one after another, and keeps every answer. */
async function probe(requests: Array<{ what: string; bytes: string }>): Promise<Probe[]> {
  const probes: Probe[] = [];
  for (const request of requests) probes.push({ what: request.what, raw: await sendRaw(sys.gateway.port, request.bytes, 300) });
  if (process.env.SHOW_PROBES) for (const p of probes) console.log(`${p.what} -> ${statusLines(p.raw).join(',')} ${/"code":"([^"]+)"/.exec(p.raw)?.[1] ?? ''}`);
  return probes;
}

/**
 * The gateway held: every answer is a single well-formed HTTP response below 500 that shows
 * nothing of Alice's, no request hidden in a body reached any service (their canary routes
 * counted nothing, the canary account does not exist), and no process died.
 */
async function expectHeld(probes: Probe[], canaryEmail: string, before: Record<string, number>): Promise<void> {
  // A window in which nothing may happen, after every probe was answered (checked below): a
  // request hidden in a body would reach a service within milliseconds of its answer, and there
  // is no event to wait for when none does.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const broken = probes.flatMap(({ what, raw }) => {
    const statuses = statusLines(raw);
    const problems = [
      ...(statuses.length === 0 ? ['no answer'] : []),
      ...statuses.filter((status) => status >= 500).map((status) => `a ${status}`),
      ...aliceDataIn(raw),
    ];
    return problems.length > 0 ? [`${what}: ${problems.join(', ')}`] : [];
  });
  expect(broken).toEqual([]);
  expect(await canaryHits()).toEqual(before);
  expect(await accountsWith(canaryEmail)).toBe(0);
  await expectEverythingUp();
}

/** A route of each service, called as Mallory, that would show Alice's data if identity were lost. */
const TARGETS: Array<{ service: string; method: string; path: () => string }> = [
  { service: 'user-service (users)', method: 'GET', path: () => `/api/users/${alice.id}` },
  { service: 'user-service (auth)', method: 'POST', path: () => '/api/auth/login' },
  { service: 'order-service', method: 'GET', path: () => `/api/orders/${aliceOrder.id}` },
  { service: 'payment-service', method: 'GET', path: () => `/api/payments?orderId=${aliceOrder.id}` },
  { service: 'notification-service', method: 'GET', path: () => '/api/notifications' },
  { service: 'catalog-service', method: 'POST', path: () => '/api/products' },
];

describe('Matrix: headers named in Connection, against every service', () => {
  // Headers that frame the request or that the gateway sets: naming one is refused.
  const REFUSED = ['content-length', 'transfer-encoding', 'host', 'x-user-id', 'x-user-role', 'x-gateway-token', 'x-service-token', 'x-forwarded-for', 'x-request-id', 'traceparent'];
  // Ordinary hop-by-hop tokens and end-to-end headers: allowed, and dropped on the way.
  const ALLOWED = ['keep-alive', 'upgrade', 'te', 'authorization', 'content-type'];

  /** Ways of naming a header in Connection (each ends the connection after the answer). */
  const NAMINGS: Array<[string, (name: string) => string[]]> = [
    ['plainly', (name) => [`Connection: ${name}, close`]],
    ['in odd case', (name) => [`cOnNeCtIoN: ${name.replace(/(^|-)(\w)/g, (m) => m.toUpperCase())}, CLOSE`]],
    ['in a repeated Connection header', (name) => ['Connection: keep-alive', `Connection: ${name}`, 'Connection: close']],
    ['obs-folded onto a second line', (name) => [`Connection: close,\r\n ${name}`]],
    ['among empty list elements and tabs', (name) => [`Connection: ,\t${name} ,, close`]],
  ];

  test.each(TARGETS)('When Mallory calls $service naming identity and framing headers in Connection, then nothing of Alice comes back and nothing reaches a service unframed', async ({ method, path }) => {
    const canaryEmail = `smuggled-${randomUUID()}@example.com`;
    const smuggled = smuggledRequests(canaryEmail);
    const requests: Array<{ what: string; bytes: string }> = [];
    for (const name of [...REFUSED, ...ALLOWED]) {
      for (const [naming, connection] of NAMINGS) {
        const headers = [`Authorization: Bearer ${mallory.token}`, ...connection(name)];
        // The header itself, doubled, with Alice's values: nothing the client sends may stand in for the gateway's.
        const forged = [`X-User-Id: ${alice.id}`, `x-user-id: ${alice.id}`, 'X-User-Role: admin', `X-Gateway-Token: ${sys.secrets.gatewayToken}`];
        requests.push({ what: `${name} ${naming}`, bytes: rawRequest(method, path(), [...headers, ...forged]) });
        requests.push({
          what: `${name} ${naming}, with requests hidden in a body`,
          bytes: rawRequest(method, path(), [...headers, `Content-Length: ${Buffer.byteLength(smuggled)}`], smuggled),
        });
      }
    }
    const before = await canaryHits();

    const probes = await probe(requests);

    await expectHeld(probes, canaryEmail, before);
    // Naming a refused header is a 400 from the gateway (or Node's parser) whatever the spelling.
    const refusedAnswers = probes.filter((p) => REFUSED.some((name) => p.what.startsWith(`${name} `)));
    expect(refusedAnswers.filter((p) => statusLines(p.raw)[0] !== 400).map((p) => p.what)).toEqual([]);
  });
});

describe('Matrix: duplicated and obfuscated framing (CL.TE, TE.CL, TE.TE), against every service', () => {
  /**
   * Framing variants from PortSwigger's request-smuggling classes. `body` is what follows the
   * headers: built so that whichever of Content-Length or Transfer-Encoding a hop believes, the
   * bytes it leaves over are a request for a service's canary routes.
   */
  const VARIANTS: Array<[string, string[], (smuggled: string) => string]> = [
    ['CL.TE', ['Content-Length: 6', 'Transfer-Encoding: chunked'], (s) => `0\r\n\r\n${s}`],
    ['TE.CL', ['Transfer-Encoding: chunked', 'Content-Length: 4'], (s) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n0\r\n\r\n`],
    ['CL.CL with two lengths', ['Content-Length: 0', `Content-Length: 200`], (s) => s],
    ['CL with a sign', ['Content-Length: +0'], (s) => s],
    ['CL as a list', ['Content-Length: 0, 0'], (s) => s],
    ['TE.TE doubled', ['Transfer-Encoding: chunked', 'Transfer-Encoding: x'], (s) => `0\r\n\r\n${s}`],
    ['TE.TE space before the colon', ['Transfer-Encoding : chunked', 'Content-Length: 0'], (s) => `0\r\n\r\n${s}`],
    ['TE.TE xchunked', ['Transfer-Encoding: xchunked', 'Content-Length: 0'], (s) => `0\r\n\r\n${s}`],
    ['TE.TE tab', ['Transfer-Encoding:\tchunked'], (s) => `0\r\n\r\n${s}`],
    ['TE.TE folded name line', [' Transfer-Encoding: chunked'], (s) => `0\r\n\r\n${s}`],
    ['TE.TE obs-folded value', ['Transfer-Encoding:\r\n chunked'], (s) => `0\r\n\r\n${s}`],
    ['TE.TE bare LF', ['X: X\nTransfer-Encoding: chunked'], (s) => `0\r\n\r\n${s}`],
    ['TE.TE vertical tab', ['Transfer-Encoding:\x0bchunked'], (s) => `0\r\n\r\n${s}`],
    ['TE chunked, identity', ['Transfer-Encoding: chunked, identity'], (s) => `0\r\n\r\n${s}`],
    ['TE gzip, chunked', ['Transfer-Encoding: gzip, chunked'], (s) => `0\r\n\r\n${s}`],
    ['TE quoted', ['Transfer-Encoding: "chunked"'], (s) => `0\r\n\r\n${s}`],
    ['TE in capitals, chunk extension', ['Transfer-Encoding: CHUNKED'], (s) => `${Buffer.byteLength(s).toString(16)};ext=1\r\n${s}\r\n0\r\n\r\n`],
    ['a well-framed chunked body holding requests', ['Transfer-Encoding: chunked'], (s) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n0\r\n\r\n`],
    ['a well-framed Content-Length body holding requests', ['Content-Length: LENGTH'], (s) => s],
    ['chunk size overflow', ['Transfer-Encoding: chunked'], (s) => `10000000000000001\r\n${s}\r\n0\r\n\r\n`],
    ['LF-only chunk lines', ['Transfer-Encoding: chunked'], (s) => `0\n\n${s}`],
  ];
  const BODY_ROUTES: Array<{ service: string; method: string; path: () => string }> = [
    ...TARGETS,
    { service: 'user-service (register)', method: 'POST', path: () => '/api/users' },
    { service: 'order-service (place)', method: 'POST', path: () => '/api/orders' },
    { service: 'payment-service (cards)', method: 'POST', path: () => '/api/payments/methods' },
    { service: 'order-service (cancel)', method: 'POST', path: () => `/api/orders/${aliceOrder.id}/cancel` },
  ];

  test.each(BODY_ROUTES)('When Mallory sends $method to $service with every framing variant, then no hidden request reaches a service and the gateway keeps serving', async ({ method, path }) => {
    const canaryEmail = `smuggled-${randomUUID()}@example.com`;
    const smuggled = smuggledRequests(canaryEmail);
    const requests = VARIANTS.map(([what, framing, body]) => ({
      what,
      bytes: rawRequest(
        method,
        path(),
        [`Authorization: Bearer ${mallory.token}`, 'Content-Type: application/json', ...framing.map((h) => h.replace('LENGTH', String(Buffer.byteLength(body(smuggled))))), 'Connection: close'],
        body(smuggled),
      ),
    }));
    const before = await canaryHits();

    const probes = await probe(requests);

    await expectHeld(probes, canaryEmail, before);
  });
});
