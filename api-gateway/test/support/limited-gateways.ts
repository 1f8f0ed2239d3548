import { startTestGateway, type TestGateway } from './test-gateway';
import { startUpstreamStub, type UpstreamStub } from './upstream-stub';

/**
 * Gateways with tiny rate limits in front of one echo stub that plays every service; each call
 * starts a gateway of its own, so each test starts with empty counters. Call in a describe.
 */
export function useLimitedGateways(): {
  /** Starts a gateway with these limits (and any other env, e.g. REDIS_URL) and returns its base URL. */
  start: (limits: { perClient: number; login: number }, env?: Record<string, string>) => Promise<string>;
  /** The echo stub behind every gateway (its `requests` show what got through). */
  stub: () => UpstreamStub;
} {
  let services: UpstreamStub;
  const gateways: TestGateway[] = [];

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
      ...env,
    });
    gateways.push(gateway);
    return gateway.url;
  };
  return { start, stub: () => services };
}
