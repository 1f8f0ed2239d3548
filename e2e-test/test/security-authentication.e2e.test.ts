import { randomBytes, randomUUID } from 'node:crypto';
import { PASSWORD, type Actor } from './security-actors';
import { statusLines, type Exchange, type SendOptions } from './security-client';
import { describeWhatAnswersGiveAway, GOOD_CARD, startSecurityCast } from './security-suite';
import type { SecuritySystem } from './security-system';
import { mintToken, standardClaims, tamperedToken, unsignedToken } from './security-tokens';

// Hostile input through the real gateway (OWASP API Security Top 10, 2023): who gets in. Tokens
// (API2), the services' internal routes and ports, what answers let others keep, and password
// guessing. One system for the file: the login brute force runs last before the audit, because
// it spends the login budget of 127.0.0.1 for a minute; everything before it signs in at most
// three times.

let sys: SecuritySystem;
let alice: Actor;
let mallory: Actor;
let admin: Actor;

beforeAll(async () => {
  ({ sys, alice, mallory, admin } = await startSecurityCast());
}, 90_000);

afterAll(async () => {
  await sys?.system.stop();
}, 60_000);

const call = (method: string, path: string, options?: SendOptions) => sys.shop.call(method, path, options);

describe('API2 Broken authentication', () => {
  const PROTECTED = ['/users/me', '/users', '/orders', '/payments/methods', '/notifications'];
  const otherKey = randomBytes(32).toString('hex');

  // [what is sent, expected code, the Authorization header (built once the system runs)]
  const cases: Array<[string, string, () => Promise<string | undefined>]> = [
    ['no Authorization header', 'missing-token', async () => undefined],
    ['"Bearer" alone', 'missing-token', async () => 'Bearer'],
    ['"Bearer " and nothing', 'missing-token', async () => 'Bearer '],
    ['Basic credentials', 'missing-token', async () => `Basic ${Buffer.from(`${alice.email}:${PASSWORD}`).toString('base64')}`],
    ['a bare token without scheme', 'missing-token', async () => alice.token],
    ['two tokens', 'missing-token', async () => `Bearer ${alice.token} ${alice.token}`],
    ['garbage', 'invalid-token', async () => 'Bearer garbage'],
    ['three empty segments', 'invalid-token', async () => 'Bearer ..'],
    ['an expired token signed with the real key', 'token-expired', async () => `Bearer ${await mintToken(sys.secrets.jwtSecret, { sub: alice.id, expiresInSeconds: -5 })}`],
    ['an HS256 token signed with another key', 'invalid-token', async () => `Bearer ${await mintToken(otherKey, { sub: alice.id, role: 'admin' })}`],
    ['an alg:none token built by hand', 'invalid-token', async () => `Bearer ${unsignedToken(standardClaims({ sub: alice.id }))}`],
    ['an alg:none admin token built by hand', 'invalid-token', async () => `Bearer ${unsignedToken(standardClaims({ sub: admin.id, role: 'admin' }))}`],
    ['a token from another issuer', 'invalid-token', async () => `Bearer ${await mintToken(sys.secrets.jwtSecret, { sub: alice.id, iss: 'someone-else' })}`],
    ['a token for another audience', 'invalid-token', async () => `Bearer ${await mintToken(sys.secrets.jwtSecret, { sub: alice.id, aud: 'another-api' })}`],
    ['an HS512 token with the real key', 'invalid-token', async () => `Bearer ${await mintToken(sys.secrets.jwtSecret, { sub: alice.id, alg: 'HS512' })}`],
    ['a token not valid yet', 'invalid-token', async () => `Bearer ${await mintToken(sys.secrets.jwtSecret, { sub: alice.id, notBeforeSeconds: 600 })}`],
    ['a token without subject', 'invalid-token', async () => `Bearer ${await mintToken(sys.secrets.jwtSecret, { sub: undefined })}`],
    ['a signed token with an unknown role', 'invalid-token', async () => `Bearer ${await mintToken(sys.secrets.jwtSecret, { sub: alice.id, role: 'superuser' })}`],
    ['a real token with its role changed to admin', 'invalid-token', async () => `Bearer ${tamperedToken(mallory.token, (c) => ({ ...c, role: 'admin' }))}`],
    ['a real token with its subject changed', 'invalid-token', async () => `Bearer ${tamperedToken(mallory.token, (c) => ({ ...c, sub: alice.id }))}`],
    ['a real token without its signature', 'invalid-token', async () => `Bearer ${mallory.token.split('.').slice(0, 2).join('.')}.`],
  ];

  test.each(cases)('When the client sends %s, then every protected route answers 401 %s', async (_what, code, authorization) => {
    const header = await authorization();

    const answers = await Promise.all(PROTECTED.map((path) => call('GET', path, { headers: header === undefined ? {} : { authorization: header } })));

    for (const answer of answers) {
      expect({ path: answer.path, status: answer.status, body: answer.json }).toEqual({
        path: answer.path,
        status: 401,
        body: { code, message: expect.any(String) },
      });
      expect(answer.headers['www-authenticate']).toBe('Bearer');
    }
  });

  test('When a token comes in the query string instead of the header, then it is ignored', async () => {
    const answer = await call('GET', `/orders?access_token=${alice.token}&token=${alice.token}`);

    expect(answer.status).toBe(401);
  });

  test('When an anonymous client sends identity headers with the real gateway token, then the gateway still asks for a token', async () => {
    const headers = { 'x-gateway-token': sys.secrets.gatewayToken, 'x-user-id': admin.id, 'x-user-role': 'admin' };

    const list = await call('GET', '/users', { headers });
    const order = await call('GET', '/orders', { headers });

    expect([list.status, order.status]).toEqual([401, 401]);
  });

  test('When a customer claims admin or another id through identity headers, then the services see only the token', async () => {
    const headers = { 'X-User-Role': 'admin', 'X-User-Id': alice.id, 'X-Gateway-Token': sys.secrets.gatewayToken };

    const list = await call('GET', '/users', { token: mallory.token, headers });
    const me = await call('GET', '/users/me', { token: mallory.token, headers });

    expect(list.status).toBe(403);
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ id: mallory.id, role: 'customer' });
  });
});

describe('Internal routes stay internal', () => {
  const INTERNAL_PATHS = [
    '/api/../metrics',
    '/api/users/../../metrics',
    '/api/users/../metrics',
    '/api/users/%2e%2e/%2e%2e/metrics',
    '/api/users/%2e%2e%2f%2e%2e%2fmetrics',
    '/api/users/..%2f..%2fmetrics',
    '/api/users/..\\..\\metrics',
    '/api/users/..;/metrics',
    '/api/orders/../../openapi.json',
    '/api/orders/..%2fopenapi.json',
    '/api/payments/../../health',
    '/api/payments/../ready',
    '/api/notifications/%2e%2e/metrics',
    '/api/users/%252e%252e/metrics',
    '/api/metrics',
    '/api/users/metrics',
    '/api/orders/metrics',
    '/api/openapi.json/../metrics',
    '/api/docs/assets/..%2f..%2fpackage.json',
    '/api/docs/assets/%2e%2e/%2e%2e/package.json',
    '//api/users/../../metrics',
  ];
  // What a service's /metrics, /openapi.json, /health, /ready or a package.json would show.
  const INTERNAL_CONTENT = /# HELP|# TYPE|"openapi"|"status":"(ok|ready)"|"checks"|"dependencies"/;

  test.each(INTERNAL_PATHS)('When a signed-in client asks for %s, then it gets a JSON 4xx and no internal content', async (path) => {
    const answer = await sys.gateway.send('GET', path, { token: mallory.token });

    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.json).toMatchObject({ code: expect.any(String) });
    expect(answer.text).not.toMatch(INTERNAL_CONTENT);
  });

  test('When a request names a service in absolute form, then the gateway does not forward it there', async () => {
    const userPort = sys.direct('user-service').port;
    const raw = await sys.gateway.sendRaw(
      `GET http://127.0.0.1:${userPort}/users HTTP/1.1\r\nHost: 127.0.0.1:${userPort}\r\nAuthorization: Bearer ${admin.token}\r\nConnection: close\r\n\r\n`,
    );

    expect(statusLines(raw)).toEqual([404]);
  });

  test('When a request smuggles a second one behind conflicting Content-Length and Transfer-Encoding, then only a 400 comes back', async () => {
    const raw = await sys.gateway.sendRaw(
      'POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '0\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n',
    );

    expect(statusLines(raw)).toEqual([400]);
  });

  test('When the merged API document is read, then it lists no internal route of any service', async () => {
    const doc = await sys.gateway.send('GET', '/api/openapi.json');

    const paths = Object.keys((doc.json as { paths: Record<string, unknown> }).paths);
    const gatewayOwn = ['/health', '/ready', '/api/openapi.json', '/api/docs'];
    const services = paths.filter((path) => !gatewayOwn.includes(path));
    expect(services.length).toBeGreaterThan(5);
    for (const path of services) {
      expect(path).toMatch(/^\/api\/(users|auth|products|orders|payments|notifications)(\/|$)/);
      expect(path).not.toMatch(/\/(metrics|health|ready|openapi\.json)$/);
    }
  });

  const DIRECT: Array<[string, Parameters<SecuritySystem['direct']>[0], string, () => string]> = [
    ['user-service lists users', 'user-service', 'GET', () => '/users'],
    ['user-service reads a user', 'user-service', 'GET', () => `/users/${alice.id}`],
    ['order-service lists orders', 'order-service', 'GET', () => '/orders'],
    ['payment-service lists cards', 'payment-service', 'GET', () => '/payments/methods'],
    ['notification-service lists notifications', 'notification-service', 'GET', () => '/notifications'],
  ];

  test.each(DIRECT)('When %s straight from its port with identity headers but no right gateway token, then 401', async (_what, service, method, path) => {
    const identity = { 'x-user-id': alice.id, 'x-user-role': 'admin' };
    const wrongTokens = [undefined, '', 'wrong', randomBytes(32).toString('hex'), sys.secrets.jwtSecret, alice.token, sys.secrets.gatewayToken.toUpperCase()];

    const refused = await Promise.all(
      wrongTokens.map((token) => sys.direct(service).send(method, path(), { headers: { ...identity, ...(token === undefined ? {} : { 'x-gateway-token': token }) } })),
    );
    const control = await sys.direct(service).send(method, path(), { headers: { ...identity, 'x-gateway-token': sys.secrets.gatewayToken } });

    for (const answer of refused) expect(answer.status).toBe(401);
    expect(control.status).toBe(200);
  });

  test('When someone adds a product straight at catalog-service as an admin without the gateway token, then 401 and nothing is added', async () => {
    const sku = `DIRECT-${randomBytes(4).toString('hex')}`;

    const answer = await sys.direct('catalog-service').send('POST', '/products', {
      headers: { 'x-user-id': alice.id, 'x-user-role': 'admin' },
      body: { sku, name: 'Not for sale', priceCents: 1, currency: 'EUR' },
    });
    const listed = await sys.shop.call('GET', `/products?q=${sku}`);

    expect(answer.status).toBe(401);
    expect(listed.json).toEqual({ items: [], nextCursor: null });
  });

  test("When someone cancels an order straight at order-service without the gateway token, then 401 and the order is unchanged", async () => {
    const card = await sys.shop.addCard(alice.token, GOOD_CARD);
    const order = await sys.shop.settled(alice.token, (await sys.shop.placeOrder(alice.token, card)).id);

    const answer = await sys.direct('order-service').send('POST', `/orders/${order.id}/cancel`, { headers: { 'x-user-id': alice.id, 'x-user-role': 'customer' } });

    expect(answer.status).toBe(401);
    expect(await sys.shop.order(alice.token, order.id)).toEqual(order);
  });
});

describe('What answers let others keep', () => {
  test('When answers carry a token or personal data, then every one says Cache-Control: no-store', async () => {
    const card = await sys.shop.addCard(mallory.token, GOOD_CARD);
    const order = await sys.shop.placeOrder(mallory.token, card);

    const answers = await Promise.all([
      call('POST', '/auth/login', { body: { email: mallory.email, password: PASSWORD } }),
      call('GET', '/users/me', { token: mallory.token }),
      call('GET', `/users/${mallory.id}`, { token: mallory.token }),
      call('GET', `/users/${alice.id}`, { token: mallory.token }),
      call('GET', '/orders', { token: mallory.token }),
      call('GET', `/orders/${order.id}`, { token: mallory.token }),
      call('GET', `/payments?orderId=${order.id}`, { token: mallory.token }),
      call('GET', '/payments/methods', { token: mallory.token }),
      call('GET', '/notifications', { token: mallory.token }),
    ]);

    expect(answers.map((a) => [a.path, a.status < 500, a.headers['cache-control']])).toEqual(answers.map((a) => [a.path, true, 'no-store']));
  });
});

describe('Who can reach the services', () => {
  test('When the stack runs on this machine, then every process listens on 127.0.0.1 only, so nothing on the network bypasses the gateway', () => {
    const listening = sys.system.logs
      .filter((l) => l.line.message === 'Listening')
      .map((l) => [l.service, l.line.address]);

    expect(listening.sort()).toEqual(sys.system.services.map((s) => [s.name, '127.0.0.1']).sort());
  });
});

// Last: it spends the login budget of 127.0.0.1 for the rest of the minute.
describe('API2 Login brute force', () => {
  test('When someone guesses a password again and again, then 429 with Retry-After comes before the 12th try, and then even the right password is refused', async () => {
    const statuses: number[] = [];
    let limited: Exchange | undefined;
    for (let attempt = 0; attempt < 11 && !limited; attempt++) {
      const answer = await call('POST', '/auth/login', { body: { email: alice.email, password: `guess-${attempt}-${randomUUID()}` } });
      statuses.push(answer.status);
      if (answer.status === 429) limited = answer;
    }

    const right = await call('POST', '/auth/login', { body: { email: alice.email, password: PASSWORD } });

    expect(limited).toBeDefined();
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    expect(limited!.json).toEqual({ code: 'rate-limited', message: expect.any(String) });
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited!.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(right.status).toBe(429);
  });

  test.each([
    '/api/AUTH/LOGIN',
    '/api/auth/login/',
    '/api/auth/login?retry=1',
    '/api/auth/login#x',
    '/api/auth//login',
    '/api/auth/./login',
    '/api/auth/%6cogin',
    '/api/auth/login%2f',
    '/api/users/../auth/login',
    '/api/auth/login;x',
  ])('When the limited client spells the login path as %s, then it still gets no token', async (path) => {
    const body = { email: alice.email, password: PASSWORD };

    const anonymous = await sys.gateway.send('POST', path, { body });
    const withToken = await sys.gateway.send('POST', path, { body, token: mallory.token });

    for (const answer of [anonymous, withToken]) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.text).not.toContain('accessToken');
    }
  });
});

describeWhatAnswersGiveAway(() => sys, { minExchanges: 200, minRawExchanges: 2 });
