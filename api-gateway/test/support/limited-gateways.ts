import { randomUUID } from 'node:crypto';
import { startTestGateway, type TestGateway } from './test-gateway';
import { TEST_REDIS_URL, useRedisKeyPrefix } from './test-redis';
import { startUpstreamStub, type UpstreamStub } from './upstream-stub';

/** Where the limiters count: this process's memory, or the machine's Redis (REDIS_URL). */
export type LimitStore = 'memory' | 'redis';

/**
 * Gateways with tiny rate limits in front of one echo stub that plays every service; each call
 * starts a gateway of its own, so each test starts with empty counters (with store redis: a key
 * prefix of its own, deleted after the file). Call in a describe.
 */
export function useLimitedGateways(store: LimitStore = 'memory'): {
  /** Starts a gateway with these limits (and any other env, e.g. REDIS_URL) and returns its base URL. */
  start: (limits: { perClient: number; login: number }, env?: Record<string, string>) => Promise<string>;
  /** The echo stub behind every gateway (its `requests` show what got through). */
  stub: () => UpstreamStub;
} {
  let services: UpstreamStub;
  const gateways: TestGateway[] = [];
  const keys = store === 'redis' ? useRedisKeyPrefix() : undefined;
  const storeEnv = (): Record<string, string> =>
    keys ? { REDIS_URL: TEST_REDIS_URL, RATE_LIMIT_KEY_PREFIX: `${keys.prefix}${randomUUID()}:` } : {};

  beforeAll(async () => {
    services = await startUpstreamStub();
  });

  afterAll(async () => {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
    await services.close();
  });

  const start = async (limits: { perClient: number; login: number }, env: Record<string, string> = {}) => {
    const gateway = await startTestGateway({
      USER_SERVICE_URL: services.url,
      ORDER_SERVICE_URL: services.url,
      PAYMENT_SERVICE_URL: services.url,
      NOTIFICATION_SERVICE_URL: services.url,
      RATE_LIMIT_WINDOW_MS: '60000',
      RATE_LIMIT_MAX: String(limits.perClient),
      LOGIN_RATE_LIMIT_MAX: String(limits.login),
      ...storeEnv(),
      ...env,
    });
    gateways.push(gateway);
    return gateway.url;
  };
  return { start, stub: () => services };
}
