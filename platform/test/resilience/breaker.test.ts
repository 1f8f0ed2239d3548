import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DependencyUnavailableError, NotFoundError } from '../../src/errors';
import { runWithContext, setLoggingSilent } from '../../src/logging';
import { createBreaker, createServiceClient, ServiceCallError, type ServiceClient } from '../../src/resilience';
import { waitFor } from '../../src/testing';
import { metricValue } from '../support/metrics';

/** A stub of another service whose answers the test sets. */
interface Stub {
  url: string;
  hits: number;
  answer: { status: number; body?: unknown; delayMs?: number };
  /** While true, answers are held (as by a process that stopped running) until resume(). */
  stalled: boolean;
  held: Array<() => void>;
  lastHeaders: http.IncomingHttpHeaders;
  lastBody: string;
  connections: number;
  server: http.Server;
}

let stub: Stub;
let client: ServiceClient;
const breakers: Array<{ shutdown(): void }> = [];

beforeAll(() => setLoggingSilent(true));
beforeEach(async () => {
  const server = http.createServer((req, res) => {
    stub.hits++;
    stub.lastHeaders = req.headers;
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      stub.lastBody = body;
      const { status, body: answer, delayMs = 0 } = stub.answer;
      const respond = () => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(answer === undefined ? '' : JSON.stringify(answer));
      };
      if (stub.stalled) stub.held.push(respond);
      else setTimeout(respond, delayMs);
    });
  });
  server.on('connection', () => stub.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  stub = {
    url: `http://127.0.0.1:${port}`,
    hits: 0,
    answer: { status: 200, body: {} },
    stalled: false,
    held: [],
    lastHeaders: {},
    lastBody: '',
    connections: 0,
    server,
  };
  client = createServiceClient({ service: 'user-service', baseUrl: stub.url, serviceToken: 'service-token-for-tests-0123456789abcdef', timeoutMs: 1000 });
});
afterEach(async () => {
  for (const breaker of breakers.splice(0)) breaker.shutdown();
  stub.stalled = false;
  stub.server.closeAllConnections();
  await new Promise((resolve) => stub.server.close(resolve));
});
afterAll(() => setLoggingSilent(false));

/** What a domain's user-service client looks like: 404 becomes a domain error, inside the breaker. */
function userLookupBreaker(options: Parameters<typeof createBreaker>[2] = {}) {
  const breaker = createBreaker(
    'user-service',
    async (userId: string) => {
      const response = await client.get<{ id: string }>(`/users/${userId}`);
      if (response.status === 404) throw new NotFoundError('user');
      return response.body;
    },
    { volumeThreshold: 5, resetTimeoutMs: 500, timeoutMs: 300, ...options },
  );
  breakers.push(breaker);
  return breaker;
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('createBreaker', () => {
  test('When the dependency answers 404 many times, then the caller gets its own error and the breaker stays closed', async () => {
    // Arrange
    const breaker = userLookupBreaker();
    stub.answer = { status: 404, body: { code: 'user-not-found' } };

    // Act
    const errors = await Promise.all(Array.from({ length: 10 }, () => failureOf(breaker.fire('u1'))));

    // Assert
    expect(errors.every((error) => error instanceof NotFoundError)).toBe(true);
    expect(breaker.state()).toBe('closed');
    expect(stub.hits).toBe(10);
  });

  test('When the dependency keeps failing, then the breaker opens and later calls fail fast with 503 and Retry-After', async () => {
    // Arrange
    const breaker = userLookupBreaker({ resetTimeoutMs: 2000 });
    stub.answer = { status: 500, body: { code: 'internal-error' } };
    const opensBefore = await metricValue('circuit_breaker_events_total', { breaker: 'user-service', event: 'open' });

    // Act
    const failures = [];
    for (let i = 0; i < 5; i++) failures.push(await failureOf(breaker.fire('u1')));
    const hitsWhenOpened = stub.hits;
    const startedAt = Date.now();
    const rejected = await failureOf(breaker.fire('u1'));
    const elapsedMs = Date.now() - startedAt;

    // Assert
    expect(failures.every((error) => error instanceof DependencyUnavailableError)).toBe(true);
    expect(breaker.state()).toBe('open');
    expect(elapsedMs).toBeLessThan(100);
    expect(stub.hits).toBe(hitsWhenOpened);
    expect(rejected).toBeInstanceOf(DependencyUnavailableError);
    expect(rejected).toMatchObject({ httpStatus: 503, code: 'user-service-unavailable' });
    // The trial is due in 2 s: Retry-After says 2 s, with jitter up to twice that.
    expect(Number((rejected as DependencyUnavailableError).headers['Retry-After'])).toBeGreaterThanOrEqual(2);
    expect(Number((rejected as DependencyUnavailableError).headers['Retry-After'])).toBeLessThanOrEqual(4);
    await expect(breaker.breakerCheck()).resolves.toEqual({ state: 'open' });
    expect(await metricValue('circuit_breaker_state', { breaker: 'user-service' })).toBe(2);
    expect(await metricValue('circuit_breaker_events_total', { breaker: 'user-service', event: 'open' })).toBe(opensBefore + 1);
  });

  test('When the dependency is unreachable, then the failure is a 503 and counts towards opening', async () => {
    // Arrange: nothing listens on the stub's port any more.
    stub.server.close();
    const breaker = userLookupBreaker();

    // Act
    const errors = [];
    for (let i = 0; i < 5; i++) errors.push(await failureOf(breaker.fire('u1')));

    // Assert
    expect(errors.every((error) => error instanceof DependencyUnavailableError)).toBe(true);
    expect((errors[0] as DependencyUnavailableError).cause).toBeInstanceOf(ServiceCallError);
    expect(breaker.state()).toBe('open');
  });

  test('When a call takes longer than the timeout, then it fails with 503 at the timeout instead of hanging', async () => {
    // Arrange
    const breaker = userLookupBreaker({ timeoutMs: 100 });
    stub.answer = { status: 200, body: { id: 'u1' }, delayMs: 800 };

    // Act
    const startedAt = Date.now();
    const error = await failureOf(breaker.fire('u1'));

    // Assert
    expect(Date.now() - startedAt).toBeLessThan(400);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(['1', '2']).toContain((error as DependencyUnavailableError).headers['Retry-After']);
  });

  test('When the reset timeout passes and the trial call succeeds, then the breaker closes again', async () => {
    // Arrange
    const breaker = userLookupBreaker({ resetTimeoutMs: 300 });
    stub.answer = { status: 503 };
    for (let i = 0; i < 5; i++) await failureOf(breaker.fire('u1'));
    const openedAt = Date.now();
    expect(breaker.state()).toBe('open');

    // Act
    await waitFor(() => breaker.state() !== 'open', { what: 'the breaker to leave open' });
    const openMs = Date.now() - openedAt;
    const stateBeforeTrial = breaker.state();
    stub.answer = { status: 200, body: { id: 'u1' } };
    const result = await breaker.fire('u1');

    // Assert
    expect(stateBeforeTrial).toBe('half-open');
    // Not before the reset timeout (300 ms; openedAt was taken just after it opened).
    expect(openMs).toBeGreaterThanOrEqual(290);
    expect(result).toEqual({ id: 'u1' });
    expect(breaker.state()).toBe('closed');
    expect(await metricValue('circuit_breaker_state', { breaker: 'user-service' })).toBe(0);
  });

  test('When one early call fails, then the breaker does not open (volume threshold)', async () => {
    const breaker = userLookupBreaker();
    stub.answer = { status: 500 };
    await failureOf(breaker.fire('u1'));
    expect(breaker.state()).toBe('closed');
  });
});

/** One call of a stream: when it started and ended (ms since epoch), and whether it succeeded. */
interface Outcome {
  startedAt: number;
  endedAt: number;
  ok: boolean;
  error?: unknown;
}

/** Fires a call every `everyMs` until `until()` is true (an open-loop stream); resolves when all ended. */
async function streamCalls(fire: () => Promise<unknown>, everyMs: number, until: () => boolean): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const pending: Array<Promise<void>> = [];
  while (!until()) {
    const startedAt = Date.now();
    pending.push(
      fire().then(
        () => void outcomes.push({ startedAt, endedAt: Date.now(), ok: true }),
        (error: unknown) => void outcomes.push({ startedAt, endedAt: Date.now(), ok: false, error }),
      ),
    );
    // The stream's pace: one call every everyMs, whatever the answers.
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  await Promise.all(pending);
  return outcomes.sort((a, b) => a.startedAt - b.startedAt);
}

describe('createBreaker with its default window, volume, threshold and reset', () => {
  // Only the call timeout is shortened (the default 3 s would make the test slow); the client
  // gives up at the same moment, as order-service's user lookup does.
  const TIMEOUT_MS = 300;
  function defaultBreaker() {
    const fastClient = createServiceClient({ service: 'user-service', baseUrl: stub.url, serviceToken: 'service-token-for-tests-0123456789abcdef', timeoutMs: TIMEOUT_MS });
    const breaker = createBreaker('user-service', async (userId: string) => (await fastClient.get(`/users/${userId}`)).body, { timeoutMs: TIMEOUT_MS });
    breakers.push(breaker);
    return breaker;
  }

  test('When the very first call is slow, then it alone fails and the breaker stays closed', async () => {
    // Arrange
    const breaker = defaultBreaker();
    stub.answer = { status: 200, body: { id: 'u1' }, delayMs: 3 * TIMEOUT_MS };

    // Act: one failure out of one call is a 100 % failure rate; the volume threshold must hold it.
    const slow = await failureOf(breaker.fire('u1'));
    stub.answer = { status: 200, body: { id: 'u1' } };
    const next = [];
    for (let i = 0; i < 5; i++) next.push(await breaker.fire('u1'));

    // Assert
    expect(slow).toBeInstanceOf(DependencyUnavailableError);
    expect(next).toEqual(Array.from({ length: 5 }, () => ({ id: 'u1' })));
    expect(breaker.state()).toBe('closed');
  });

  test('When the dependency stalls under a steady load, then the breaker opens soon, every refusal is fast, and calls succeed within the reset timeout after the stall', async () => {
    // Arrange: a call every 40 ms; 500 ms after it begins, the dependency stalls for 2.5 s.
    const breaker = defaultBreaker();
    stub.answer = { status: 200, body: { id: 'u1' } };
    let stallAt = 0;
    let resumeAt = 0;
    let done = false;
    const schedule = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      stallAt = Date.now();
      stub.stalled = true;
      await new Promise((resolve) => setTimeout(resolve, 2500));
      stub.stalled = false;
      resumeAt = Date.now();
      for (const respond of stub.held.splice(0)) respond();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      done = true;
    })();

    // Act
    const outcomes = await streamCalls(() => breaker.fire('u1'), 40, () => done);
    await schedule;

    // Assert
    const failures = outcomes.filter((o) => !o.ok);
    const fastRefusals = failures.filter((o) => o.endedAt - o.startedAt < 50);
    const recoveredAt = outcomes.find((o) => o.ok && o.endedAt > resumeAt)!;
    expect(failures.every((o) => o.error instanceof DependencyUnavailableError)).toBe(true);
    // Opened within timeout + window / 2 (+ a bucket and scheduling slack): 300 + 1000 + 400 ms.
    expect(fastRefusals.length).toBeGreaterThan(0);
    expect(fastRefusals[0]!.startedAt - stallAt).toBeLessThan(TIMEOUT_MS + 1000 + 400);
    // No refusal waited longer than the call timeout.
    expect(Math.max(...failures.map((o) => o.endedAt - o.startedAt))).toBeLessThan(TIMEOUT_MS + 150);
    // Accepted again within the reset timeout (1 s) after the stall, and from then on every call.
    expect(recoveredAt.endedAt - resumeAt).toBeLessThan(1000 + 300);
    expect(outcomes.filter((o) => o.startedAt >= recoveredAt.endedAt).every((o) => o.ok)).toBe(true);
    // The refusals span the stall plus at most the reset timeout and one trial.
    const refusalWindowMs = Math.max(...failures.map((o) => o.endedAt)) - failures[0]!.startedAt;
    expect(refusalWindowMs).toBeLessThan(2500 + 1000 + 300);
    expect(breaker.state()).toBe('closed');
  });
});

describe('ServiceClient', () => {
  test('When calling another service, then the service token, request id and JSON body are sent over a kept-alive connection', async () => {
    // Arrange
    stub.answer = { status: 201, body: { id: 'o1' } };

    // Act
    const first = await runWithContext({ requestId: 'req-123' }, () => client.request({ method: 'POST', path: '/orders', body: { total: 42 } }));
    const second = await client.get('/orders/o1');

    // Assert
    expect(first).toEqual({ status: 201, body: { id: 'o1' } });
    expect(second.status).toBe(201);
    expect(stub.lastHeaders['x-service-token']).toBe('service-token-for-tests-0123456789abcdef');
    expect(stub.connections).toBe(1);
    stub.answer = { status: 200, body: {} };
    await runWithContext({ requestId: 'req-456' }, () => client.request({ method: 'POST', path: '/orders', body: { total: 7 } }));
    expect(stub.lastHeaders['x-request-id']).toBe('req-456');
    expect(stub.lastHeaders['content-type']).toBe('application/json');
    expect(JSON.parse(stub.lastBody)).toEqual({ total: 7 });
  });

  test('When the service answers 5xx, then the client throws a ServiceCallError with the status', async () => {
    stub.answer = { status: 502 };
    const error = await failureOf(client.get('/users/u1'));
    expect(error).toBeInstanceOf(ServiceCallError);
    expect(error).toMatchObject({ failure: 'server-error', status: 502 });
  });

  test('When the service does not answer within the call timeout, then the client gives up with a timeout ServiceCallError', async () => {
    stub.answer = { status: 200, body: {}, delayMs: 500 };
    const startedAt = Date.now();
    const error = await failureOf(client.request({ path: '/slow', timeoutMs: 100 }));
    expect(Date.now() - startedAt).toBeLessThan(400);
    expect(error).toMatchObject({ name: 'ServiceCallError', failure: 'timeout' });
  });
});
