// The order-service breaker recovers fast: user-service stalls (SIGSTOP: its process keeps its
// sockets but answers nothing) for STALL_MS under a steady load of orders through the gateway,
// then resumes (SIGCONT). Orders are refused with 503 user-service-unavailable only around the
// stall (the refusal window, printed), every refusal comes within about the lookup timeout, and
// afterwards every order is accepted. The services run with their shipped breaker defaults.
import { setTimeout as sleep } from 'node:timers/promises';
import { driveOrders, latency, newCustomer, type Customer, type OrderAttempt } from './chaos-kit';
import { startSystem, type RunningSystem } from './system';

const STALL_MS = 6000;
// The bound for a 6 s stall: the stall plus 2 s.
const MAX_REFUSAL_WINDOW_MS = 8000;
// order-service's default USER_SERVICE_TIMEOUT_MS: the longest a lookup may keep an order waiting.
const USER_SERVICE_TIMEOUT_MS = 1000;
// The load: ORDERS orders spread over LOAD_MS (10/s), the stall starting STALL_AT_MS in.
const ORDERS = 170;
const LOAD_MS = 17_000;
const STALL_AT_MS = 4000;

let system: RunningSystem;
let customers: Customer[];

beforeAll(async () => {
  // The stream is 10 orders/s from three customers: the per-client rate limit is not under test.
  system = await startSystem({ env: { RATE_LIMIT_MAX: '100000' } });
  customers = [];
  for (const name of ['Ada', 'Brian', 'Chloe']) customers.push(await newCustomer(system, name));
}, 90_000);

afterAll(async () => {
  // stop() continues a paused process before stopping it; SIGCONT here too, should stop() not be reached.
  if (system?.isRunning('user-service')) system.signal('user-service', 'SIGCONT');
  await system?.stop();
}, 60_000);

const isRefusal = (a: OrderAttempt) => a.first.status === 503 && a.first.code === 'user-service-unavailable';

async function breakerOpens(): Promise<number> {
  const orderService = system.services.find((s) => s.name === 'order-service')!;
  const text = await (await fetch(`http://127.0.0.1:${orderService.port}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const line = text.split('\n').find((l) => l.startsWith('circuit_breaker_events_total{') && l.includes('breaker="user-service"') && l.includes('event="open"'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('order-service breaker under a user-service stall', () => {
  test(`When user-service stalls for ${STALL_MS / 1000} s under a steady load of orders, then orders are refused fast for at most ${MAX_REFUSAL_WINDOW_MS / 1000} s and accepted afterwards`, async () => {
    // Arrange
    let stallAt = 0;
    let resumeAt = 0;
    const fault = (async () => {
      await sleep(STALL_AT_MS);
      stallAt = Date.now();
      system.signal('user-service', 'SIGSTOP');
      try {
        await sleep(STALL_MS);
      } finally {
        // Always resumed, even when the test failed meanwhile (stop() may have ended it already).
        if (system.isRunning('user-service')) system.signal('user-service', 'SIGCONT');
        resumeAt = Date.now();
      }
    })();

    // Act
    const attempts = await driveOrders(system, customers, { count: ORDERS, durationMs: LOAD_MS });
    await fault;

    // Assert
    const refused = attempts.filter(isRefusal);
    const others = attempts.filter((a) => !isRefusal(a));
    const refusalWindowMs = refused.length ? Math.max(...refused.map((a) => a.first.endedAt)) - Math.min(...refused.map((a) => a.first.startedAt)) : 0;
    const lastRefusalEnd = Math.max(...refused.map((a) => a.first.endedAt));
    const ms = latency(refused.map((a) => a.first.endedAt - a.first.startedAt));
    const retryAfters = refused.map((a) => Number(a.first.retryAfter));
    const afterwards = attempts.filter((a) => a.first.startedAt > lastRefusalEnd);
    process.stdout.write(
      [
        '',
        `breaker: user-service stalled ${((resumeAt - stallAt) / 1000).toFixed(1)} s under ${ORDERS} orders in ${LOAD_MS / 1000} s`,
        `  refusal window ${(refusalWindowMs / 1000).toFixed(1)} s (first refused order sent → last refusal answered; bound ${MAX_REFUSAL_WINDOW_MS / 1000} s)`,
        `  first refusal sent ${((Math.min(...refused.map((a) => a.first.startedAt)) - stallAt) / 1000).toFixed(1)} s after SIGSTOP, last answered ${((lastRefusalEnd - resumeAt) / 1000).toFixed(1)} s after SIGCONT`,
        `  ${refused.length}× 503 user-service-unavailable in p50 ${ms.p50} ms / p95 ${ms.p95} ms / max ${ms.max} ms; Retry-After ${[...new Set(retryAfters)].sort().join('/')} s`,
        `  other answers: ${JSON.stringify(others.reduce<Record<string, number>>((acc, a) => ({ ...acc, [a.first.status]: (acc[a.first.status] ?? 0) + 1 }), {}))}; breaker opened ${await breakerOpens()}×`,
        '',
      ].join('\n'),
    );

    expect(refused.length).toBeGreaterThan(0);
    expect(refusalWindowMs).toBeLessThanOrEqual(MAX_REFUSAL_WINDOW_MS);
    // Every other answer is an accepted order: the stall costs refusals and nothing else.
    expect(others.map((a) => a.first.status)).toEqual(others.map(() => 201));
    // Refusals only around the stall (a lookup sent just before SIGSTOP may be refused too).
    expect(Math.min(...refused.map((a) => a.first.endedAt))).toBeGreaterThanOrEqual(stallAt);
    // Fast: none waited much longer than one lookup timeout; once the breaker is open, at once.
    expect(ms.max).toBeLessThan(USER_SERVICE_TIMEOUT_MS + 1000);
    expect(refused.filter((a) => a.first.endedAt - a.first.startedAt < 250).length).toBeGreaterThan(0);
    expect(await breakerOpens()).toBeGreaterThanOrEqual(1);
    // Retry-After: whole seconds ≥ 1, jittered (not one value for the whole herd).
    expect(retryAfters.every((s) => Number.isInteger(s) && s >= 1 && s <= 2)).toBe(true);
    if (refused.length >= 20) expect(new Set(retryAfters).size).toBeGreaterThan(1);
    // Accepted afterwards: every order after the last refusal (a few seconds of the stream's tail).
    expect(afterwards.length).toBeGreaterThanOrEqual(20);
    expect(afterwards.every((a) => a.first.status === 201)).toBe(true);
  });
});
