import { randomUUID } from 'node:crypto';
import { TcpProxy, waitFor } from '@shop/platform/testing';
import request from 'supertest';
import { useLimitedGateways } from './support/limited-gateways';
import { FreezableProxy, metricSum, TEST_REDIS_PORT, useRedisKeyPrefix } from './support/test-redis';

const STORE_ERRORS = 'gateway_rate_limit_store_errors_total';

/** Time one request takes, in ms, and its status. */
async function timedLogin(url: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await request(url).post('/api/auth/login').send({});
  return { status: response.status, ms: performance.now() - started };
}

// Redis is a dependency the gateway must survive: while it is away each replica counts in its
// own memory (login included, see rate-limits.ts), and once it is back counts are shared again.
describe('Rate limits when Redis is unreachable', () => {
  const gatewayWithLimits = useLimitedGateways().start;
  const keys = useRedisKeyPrefix();
  const proxies: { stop: () => Promise<void> }[] = [];

  afterAll(async () => {
    await Promise.all(proxies.map((proxy) => proxy.stop()));
  });

  /** A gateway whose Redis is reached through proxy, with a key prefix of this test's own. */
  async function gatewayBehind(proxyPort: number, limits: { perClient: number; login: number }) {
    const prefix = `${keys.prefix}${randomUUID()}:`;
    const url = await gatewayWithLimits(limits, {
      REDIS_URL: `redis://127.0.0.1:${proxyPort}`,
      RATE_LIMIT_KEY_PREFIX: prefix,
      RATE_LIMIT_REDIS_TIMEOUT_MS: '150',
    });
    const loginCount = async () => Number((await keys.redis().get(`${prefix}login:ip:127.0.0.1`)) ?? 0);
    return { url, loginCount };
  }

  const metricsOf = async (url: string) => (await request(url).get('/metrics')).text;

  test('When the Redis connection is cut, then requests are answered at once with in-memory limits, counted as store errors, and Redis counts again once restored', async () => {
    // Arrange
    const proxy = new TcpProxy(TEST_REDIS_PORT);
    proxies.push(proxy);
    await proxy.start();
    const { url, loginCount } = await gatewayBehind(proxy.port, { perClient: 100, login: 3 });
    await request(url).post('/api/auth/login').send({}).expect(200);
    expect(await loginCount()).toBe(1);
    const errorsBefore = metricSum(await metricsOf(url), STORE_ERRORS, { limiter: 'login' });

    // Act
    await proxy.cut();
    const duringOutage = [];
    for (let i = 0; i < 3; i += 1) duringOutage.push(await timedLogin(url));
    const metricsDuringOutage = await metricsOf(url);
    await proxy.restore();
    const countInRedis = await waitFor(async () => {
      await request(url).get('/api/products');
      return metricSum(await metricsOf(url), 'gateway_rate_limit_store_active', { store: 'redis' }) === 1;
    }, { timeoutMs: 5000 }).then(() => loginCount());
    const afterRestore = await request(url).post('/api/auth/login').send({});

    // Assert
    // Memory saw every attempt (1 before the cut + 2 during): the 3rd attempt during the outage is the 4th, over the limit of 3.
    expect(duringOutage.map((answer) => answer.status)).toEqual([200, 200, 429]);
    for (const answer of duringOutage) expect(answer.ms).toBeLessThan(1000);
    expect(metricSum(metricsDuringOutage, STORE_ERRORS, { limiter: 'login' }) - errorsBefore).toBeGreaterThanOrEqual(3);
    expect(metricSum(metricsDuringOutage, 'gateway_rate_limit_store_active', { store: 'memory' })).toBe(1);
    expect(countInRedis).toBe(1);
    expect(afterRestore.status).toBe(200);
    expect(await loginCount()).toBe(2);
  });

  test('When Redis is down as the gateway starts, then it starts and serves with in-memory limits, and counts in Redis once Redis is up', async () => {
    // Arrange
    const proxy = new TcpProxy(TEST_REDIS_PORT);
    proxies.push(proxy);
    await proxy.start();
    await proxy.cut();
    const { url, loginCount } = await gatewayBehind(proxy.port, { perClient: 100, login: 100 });

    // Act
    const whileDown = await timedLogin(url);
    await proxy.restore();
    await waitFor(async () => {
      await request(url).get('/api/products');
      return metricSum(await metricsOf(url), 'gateway_rate_limit_store_active', { store: 'redis' }) === 1;
    }, { timeoutMs: 5000 });
    await request(url).post('/api/auth/login').send({}).expect(200);

    // Assert
    expect(whileDown.status).toBe(200);
    expect(whileDown.ms).toBeLessThan(1000);
    expect(await loginCount()).toBe(1);
  });

  test('When Redis stops answering on an open connection, then no request waits much longer than the Redis timeout, and Redis counts again once it answers', async () => {
    // Arrange
    const proxy = new FreezableProxy(TEST_REDIS_PORT);
    proxies.push(proxy);
    await proxy.start();
    const { url } = await gatewayBehind(proxy.port, { perClient: 100, login: 100 });
    await request(url).post('/api/auth/login').send({}).expect(200);
    const errorsBefore = metricSum(await metricsOf(url), STORE_ERRORS, { reason: 'timeout' });

    // Act
    proxy.freeze();
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(await timedLogin(url));
    const metrics = await metricsOf(url);
    proxy.thaw();
    const sharedAgain = await waitFor(async () => {
      await request(url).get('/api/products');
      return metricSum(await metricsOf(url), 'gateway_rate_limit_store_active', { store: 'redis' }) === 1;
    }, { timeoutMs: 5000 });

    // Assert
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    expect(metricSum(metrics, 'gateway_rate_limit_store_active', { store: 'memory' })).toBe(1);
    expect(sharedAgain).toBe(true);
    // Timeout 150 ms, plus the proxied call to the stub: far under a second each, and most skip Redis entirely.
    for (const answer of answers) expect(answer.ms).toBeLessThan(600);
    expect(metricSum(metrics, STORE_ERRORS, { reason: 'timeout' }) - errorsBefore).toBeGreaterThanOrEqual(1);
  });
});
