import request from 'supertest';
import { configSchema } from '../src/config';
import { asUser, buildOrder, startOrderServiceUnderTest, type OrderServiceUnderTest } from './harness';

// The breaker as shipped: the lookup timeout and every breaker knob at its documented default
// (the harness shortens them for the other tests).
const DEFAULTS = configSchema
  .pick({ USER_SERVICE_TIMEOUT_MS: true, BREAKER_ERROR_THRESHOLD_PERCENT: true, BREAKER_RESET_TIMEOUT_MS: true, BREAKER_VOLUME_THRESHOLD: true, BREAKER_WINDOW_MS: true })
  .parse({});
const TIMEOUT_MS = DEFAULTS.USER_SERVICE_TIMEOUT_MS;
const RESET_MS = DEFAULTS.BREAKER_RESET_TIMEOUT_MS;
const WINDOW_MS = DEFAULTS.BREAKER_WINDOW_MS;

let sut: OrderServiceUnderTest;
beforeEach(async () => {
  sut = await startOrderServiceUnderTest(Object.fromEntries(Object.entries(DEFAULTS).map(([key, value]) => [key, String(value)])));
});
afterEach(() => sut.stop());

interface Placed {
  status: number;
  code?: string;
  retryAfter?: string;
  startedAt: number;
  endedAt: number;
}

const place = async (userId: string): Promise<Placed> => {
  const startedAt = Date.now();
  const res = await request(sut.url).post('/orders').set(asUser(userId)).send(buildOrder());
  return { status: res.status, code: res.body.code, retryAfter: res.headers['retry-after'], startedAt, endedAt: Date.now() };
};
const breakerState = async () => (await request(sut.url).get('/ready')).body.checks['user-service'].state;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the user-service breaker with its default settings', () => {
  test('When the very first lookup is slow, then only that order is refused and the breaker stays closed', async () => {
    // Arrange
    const userId = sut.users.addUser();
    sut.users.delayMs = 2 * TIMEOUT_MS;

    // Act: one failed lookup out of one is a 100 % failure rate; the volume threshold must hold it.
    const slow = await place(userId);
    sut.users.delayMs = 0;
    const next: Placed[] = [];
    for (let i = 0; i < 5; i++) next.push(await place(userId));

    // Assert
    expect(slow).toMatchObject({ status: 503, code: 'user-service-unavailable' });
    expect(next.map((p) => p.status)).toEqual([201, 201, 201, 201, 201]);
    expect(await breakerState()).toBe('closed');
  });

  test('When user-service stalls under a steady load of orders, then the breaker opens, refusals are fast, and orders are accepted again within about the reset timeout after the stall', async () => {
    // Arrange: an order every 100 ms; 500 ms in, user-service stalls for 3 s.
    const userId = sut.users.addUser();
    const STALL_MS = 3000;
    let stallAt = 0;
    let resumeAt = 0;
    let done = false;
    const schedule = (async () => {
      await sleep(500);
      stallAt = Date.now();
      sut.users.stall();
      await sleep(STALL_MS);
      sut.users.resume();
      resumeAt = Date.now();
      await sleep(2500);
      done = true;
    })();

    // Act: an open-loop stream (one order every 100 ms, whatever the answers).
    const pending: Array<Promise<Placed>> = [];
    while (!done) {
      pending.push(place(userId));
      await sleep(100);
    }
    await schedule;
    const placed = (await Promise.all(pending)).sort((a, b) => a.startedAt - b.startedAt);

    // Assert
    const refused = placed.filter((p) => p.status !== 201);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((p) => p.status === 503 && p.code === 'user-service-unavailable')).toBe(true);
    // Retry-After: whole seconds in [1, 2] (the 1 s reset, with jitter).
    expect(refused.every((p) => ['1', '2'].includes(p.retryAfter ?? ''))).toBe(true);
    // The breaker opened: refusals answered at once, the first about timeout + window / 2 into the stall.
    const fast = refused.filter((p) => p.endedAt - p.startedAt < 250);
    expect(fast.length).toBeGreaterThan(0);
    expect(fast[0]!.startedAt - stallAt).toBeLessThan(TIMEOUT_MS + WINDOW_MS / 2 + 700);
    // No refusal waited much longer than the lookup timeout.
    expect(Math.max(...refused.map((p) => p.endedAt - p.startedAt))).toBeLessThan(TIMEOUT_MS + 500);
    // Accepted again within the reset timeout (+ slack) after the stall, and every order from then on.
    const recovered = placed.find((p) => p.status === 201 && p.endedAt > resumeAt)!;
    expect(recovered.endedAt - resumeAt).toBeLessThan(RESET_MS + 1000);
    expect(placed.filter((p) => p.startedAt >= recovered.endedAt).every((p) => p.status === 201)).toBe(true);
    // The refusals span the stall plus at most about 2 s.
    const refusalWindowMs = Math.max(...refused.map((p) => p.endedAt)) - refused[0]!.startedAt;
    expect(refusalWindowMs).toBeLessThan(STALL_MS + 2000);
    expect(await breakerState()).toBe('closed');
  });
});
