import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@shop/platform/auth';
import { waitFor } from '@shop/platform/testing';
import { mintToken } from './security-tokens';
import { startSystem, type RunningSystem } from './system';

// Accounts through the gateway, as a client lives with them: refresh and sign-out, a password
// change ending every session, and the deletion of an account erasing its personal data in
// every service while its orders and payments stay, with the user id only.

let system: RunningSystem;
let jwtSecret: string;
beforeAll(async () => {
  system = await startSystem({ env: { LOGIN_RATE_LIMIT_MAX: '1000' } });
  jwtSecret = system.services.find((s) => s.name === 'api-gateway')!.env.JWT_SECRET!;
}, 90_000);
afterAll(async () => {
  await system?.stop();
}, 60_000);

interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

/** A client of the gateway. */
async function call<T = Record<string, unknown>>(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Answer<T>> {
  const res = await fetch(`${system.gateway}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T, headers: res.headers, text };
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

interface Account {
  id: string;
  name: string;
  email: string;
  password: string;
  tokens: Tokens;
}

async function signUp(): Promise<Account> {
  const name = `Dora ${randomUUID().slice(0, 8)}`;
  const email = `dora-${randomUUID()}@example.com`;
  const password = 'correct horse battery';
  const user = await call<{ id: string }>('POST', '/users', { body: { name, email, password } });
  expect(user.status).toBe(201);
  const login = await call<Tokens>('POST', '/auth/login', { body: { email, password } });
  expect(login.status).toBe(200);
  return { id: user.body.id, name, email, password, tokens: login.body };
}

const refresh = (refreshToken: string) => call<Tokens>('POST', '/auth/refresh', { body: { refreshToken } });
const me = (token: string) => call<{ id: string; name: string }>('GET', '/users/me', { token });

/** Polls a request through the gateway until probe returns something. */
const eventually = <T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> =>
  waitFor(probe, { timeoutMs, intervalMs: 100, what }) as Promise<T>;

describe('sessions: refresh and sign-out through the gateway', () => {
  test('When a client signs in and refreshes, then tokens rotate, nothing is cacheable, and the rotated token no longer works', async () => {
    const dora = await signUp();

    const rotated = await refresh(dora.tokens.refreshToken);

    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    expect(rotated.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 2_592_000 });
    expect((await me(rotated.body.accessToken)).body.id).toBe(dora.id);
    expect((await me(rotated.body.accessToken)).headers.get('cache-control')).toBe('no-store');
    expect((await refresh(rotated.body.refreshToken)).status).toBe(200);
  });

  test('When a rotated refresh token is used again, then 401 and the whole session is revoked, its newest token included', async () => {
    const dora = await signUp();
    const second = (await refresh(dora.tokens.refreshToken)).body;

    const reuse = await refresh(dora.tokens.refreshToken);

    expect(reuse.status).toBe(401);
    expect((reuse.body as unknown as { code: string }).code).toBe('invalid-refresh-token');
    expect((await refresh(second.refreshToken)).status).toBe(401);
  });

  test('When a client signs out, then 204 and its refresh token is refused', async () => {
    const dora = await signUp();

    const logout = await call('POST', '/auth/logout', { token: dora.tokens.accessToken, body: { refreshToken: dora.tokens.refreshToken } });

    expect(logout.status).toBe(204);
    expect((await refresh(dora.tokens.refreshToken)).status).toBe(401);
  });

  test('When the profile is changed, then only the name changes; role or email in the body is 400', async () => {
    const dora = await signUp();

    const renamed = await call<{ name: string }>('PATCH', '/users/me', { token: dora.tokens.accessToken, body: { name: 'Dora Renamed' } });
    const promoted = await call('PATCH', '/users/me', { token: dora.tokens.accessToken, body: { role: 'admin' } });

    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Dora Renamed');
    expect(promoted.status).toBe(400);
    expect((await me(dora.tokens.accessToken)).body).toMatchObject({ name: 'Dora Renamed', role: 'customer' });
  });
});

describe('a password change ends every session', () => {
  test('When the password changes, then the old access token is refused (401 token-revoked) as soon as the gateway hears of it, and the old refresh token at once', async () => {
    const dora = await signUp();
    const other = (await call<Tokens>('POST', '/auth/login', { body: { email: dora.email, password: dora.password } })).body;
    expect((await me(dora.tokens.accessToken)).status).toBe(200);

    const change = await call('POST', '/users/me/password', { token: dora.tokens.accessToken, body: { currentPassword: dora.password, newPassword: 'a brand new passphrase' } });

    expect(change.status).toBe(204);
    expect((await refresh(dora.tokens.refreshToken)).status).toBe(401);
    expect((await refresh(other.refreshToken)).status).toBe(401);
    // The revocation travels user-service's outbox → broker → gateway: milliseconds here, bounded
    // by the access-token lifetime (900 s) should the broker be down. The wait allows for the trip.
    const refused = await eventually(async () => {
      const res = await me(dora.tokens.accessToken);
      return res.status === 401 && res;
    }, 'the gateway to refuse the old access token', 10_000);
    expect((refused.body as unknown as { code: string }).code).toBe('token-revoked');
    expect((await me(other.accessToken)).status).toBe(401);
    const fresh = await call<Tokens>('POST', '/auth/login', { body: { email: dora.email, password: 'a brand new passphrase' } });
    expect(fresh.status).toBe(200);
    expect((await me(fresh.body.accessToken)).status).toBe(200);
  });

  test('When the current password is wrong, then 401 and the sessions go on', async () => {
    const dora = await signUp();

    const change = await call('POST', '/users/me/password', { token: dora.tokens.accessToken, body: { currentPassword: 'not my password', newPassword: 'a brand new passphrase' } });

    expect(change.status).toBe(401);
    expect((await refresh(dora.tokens.refreshToken)).status).toBe(200);
  });
});

describe('deleting an account', () => {
  const holderName = `Holder ${randomUUID().slice(0, 8)}`;
  let dora: Account;
  let orderId: string;

  beforeAll(async () => {
    dora = await signUp();
    const token = dora.tokens.accessToken;
    const card = await call<{ id: string }>('POST', '/payments/methods', {
      token,
      body: { cardNumber: '4242 4242 4242 4242', expMonth: 12, expYear: new Date().getFullYear() + 3, holderName },
    });
    expect(card.status).toBe(201);
    const products = await call<{ items: Array<{ id: string; stock?: number }> }>('GET', '/products?limit=20');
    const product = products.body.items.find((p) => (p.stock ?? 1) > 0)!;
    const order = await call<{ id: string }>('POST', '/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }], paymentMethodId: card.body.id } });
    expect(order.status).toBe(201);
    orderId = order.body.id;
    await eventually(async () => (await call<{ status: string }>('GET', `/orders/${orderId}`, { token })).body.status === 'PAID', 'the order to be PAID');
    await eventually(async () => {
      const res = await call<{ items: Array<{ orderId: string; status: string }> }>('GET', '/notifications', { token });
      return res.body.items.filter((n) => n.orderId === orderId && n.status === 'sent').length >= 2;
    }, 'two sent notifications');
  }, 60_000);

  test('When the password is wrong, then 401 and the account stays', async () => {
    const res = await call('DELETE', '/users/me', { token: dora.tokens.accessToken, body: { password: 'not my password' } });

    expect(res.status).toBe(401);
    expect((await me(dora.tokens.accessToken)).status).toBe(200);
  });

  test('When a customer with a card, a PAID order and notifications deletes the account, then it cannot sign in, its email is free, and no service shows its name, email or holder name while the order and payment remain', async () => {
    const res = await call('DELETE', '/users/me', { token: dora.tokens.accessToken, body: { password: dora.password } });

    expect(res.status).toBe(204);
    expect((await call('POST', '/auth/login', { body: { email: dora.email, password: dora.password } })).status).toBe(401);
    expect((await refresh(dora.tokens.refreshToken)).status).toBe(401);
    await eventually(async () => (await me(dora.tokens.accessToken)).status === 401, 'the gateway to refuse the deleted account\'s token', 10_000);

    // What anyone reading that user id sees afterwards: the services have no admin views of
    // another user's orders, payments or notifications, so the reads go as the id itself, with a
    // token issued after the deletion (the gateway refuses every earlier one).
    const asDeletedId = signAccessToken({ userId: dora.id, role: 'customer' }, jwtSecret, 300);
    const admin = await mintToken(jwtSecret, { role: 'admin' });
    const personal = [dora.name, dora.email, holderName];
    const leaks = (answer: Answer<unknown>) => personal.filter((value) => answer.text.toLowerCase().includes(value.toLowerCase()));

    const user = await call('GET', `/users/${dora.id}`, { token: admin });
    expect(user.status).toBe(404);
    const users = await call('GET', '/users?limit=100', { token: admin });
    expect(leaks(users)).toEqual([]);

    // The other services erase on user.deleted, asynchronously: wait until every answer is clean.
    let stillShown = '';
    const answers = (await waitFor(
      async () => {
        const read = {
          orders: await call<{ items: Array<{ id: string; status: string }> }>('GET', '/orders', { token: asDeletedId }),
          order: await call<{ id: string; status: string }>('GET', `/orders/${orderId}`, { token: asDeletedId }),
          payments: await call<{ items: Array<{ status: string }> }>('GET', `/payments?orderId=${orderId}`, { token: asDeletedId }),
          cards: await call('GET', '/payments/methods', { token: asDeletedId }),
          notifications: await call('GET', '/notifications', { token: asDeletedId }),
        };
        const shown = Object.entries(read).filter(([, answer]) => leaks(answer).length > 0);
        stillShown = shown.map(([name, answer]) => `${name} shows ${leaks(answer).join(', ')}`).join('; ');
        return shown.length === 0 ? read : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200, what: () => `every service to erase the personal data (${stillShown})` },
    ))!;

    expect(answers.order.status).toBe(200);
    expect(answers.order.body).toMatchObject({ id: orderId, status: 'PAID' });
    expect(answers.orders.body.items.map((o) => o.id)).toContain(orderId);
    expect(answers.payments.status).toBe(200);
    expect(answers.payments.body.items).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    expect(answers.cards.status).toBe(200);
    expect(answers.notifications.status).toBe(200);

    const again = await call<{ id: string }>('POST', '/users', { body: { name: 'Dora Again', email: dora.email, password: dora.password } });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(dora.id);
  });
});
