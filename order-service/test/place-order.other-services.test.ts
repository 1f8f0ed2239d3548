import { waitFor } from '@shop/platform/testing';
import request from 'supertest';
import { asUser, buildOrder, startOrderServiceUnderTest, type OrderServiceUnderTest } from './harness';

let sut: OrderServiceUnderTest;
beforeEach(async () => {
  sut = await startOrderServiceUnderTest({ BREAKER_VOLUME_THRESHOLD: '3', BREAKER_RESET_TIMEOUT_MS: '500', USER_SERVICE_TIMEOUT_MS: '300' });
});
afterEach(() => sut.stop());

const place = (userId: string) => request(sut.url).post('/orders').set(asUser(userId)).send(buildOrder());
const countOrders = async (userId: string) => (await request(sut.url).get('/orders').set(asUser(userId))).body.items.length;

describe('user-service behind the circuit breaker', () => {
  test('When user-service is down, then 503 with Retry-After, no order, and once open the answer is fast', async () => {
    const userId = sut.users.addUser();
    await sut.users.stop();

    const first = await place(userId);
    for (let i = 0; i < 3; i++) await place(userId);
    const started = performance.now();
    const whileOpen = await place(userId);
    const elapsedMs = performance.now() - started;

    expect(first.status).toBe(503);
    expect(first.body.code).toBe('user-service-unavailable');
    expect(Number(first.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(whileOpen.status).toBe(503);
    expect(elapsedMs).toBeLessThan(100);
    expect(await countOrders(userId)).toBe(0);
    const ready = await request(sut.url).get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks['user-service'].state).toBe('open');
    const metrics = await request(sut.url).get('/metrics');
    expect(metrics.text).toMatch(/circuit_breaker_state\{breaker="user-service"\} 2/);
  });

  test('When user-service comes back, then after the reset timeout orders are accepted again', async () => {
    const userId = sut.users.addUser();
    await sut.users.stop();
    for (let i = 0; i < 4; i++) await place(userId);
    const openedAt = Date.now();
    await sut.users.start();
    const stateWhileOpen = (await request(sut.url).get('/ready')).body.checks['user-service'].state;

    // The reset timeout (500 ms) has passed once the breaker lets a trial call through.
    await waitFor(async () => (await request(sut.url).get('/ready')).body.checks['user-service'].state === 'half-open', {
      what: 'the breaker to turn half-open',
    });
    const waitedMs = Date.now() - openedAt;
    const res = await place(userId);

    expect(stateWhileOpen).toBe('open');
    expect(waitedMs).toBeGreaterThanOrEqual(400);
    expect(res.status).toBe(201);
    expect(await countOrders(userId)).toBe(1);
    expect((await request(sut.url).get('/ready')).body.checks['user-service'].state).toBe('closed');
  });

  test('When user-service is slower than the timeout, then 503 within the bound and no order', async () => {
    const userId = sut.users.addUser();
    sut.users.delayMs = 2000;

    const started = performance.now();
    const res = await place(userId);

    expect(res.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(1000);
    sut.users.delayMs = 0;
    expect(await countOrders(userId)).toBe(0);
  });

  test('When user-service answers 404 repeatedly, then each is a 422 and the breaker stays closed', async () => {
    const ghosts = ['5e0c1f3a-6b9d-4b59-9d1f-1f2a3b4c5d6e', '6e0c1f3a-6b9d-4b59-9d1f-1f2a3b4c5d6e'];
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await place(ghosts[i % 2]!)).status);
    const real = await place(sut.users.addUser());

    expect(statuses).toEqual([422, 422, 422, 422, 422, 422]);
    expect(real.status).toBe(201);
  });
});
