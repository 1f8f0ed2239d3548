import { signAccessToken, type AccessClaims } from '@shop/platform/auth';
import { loadConfig } from '@shop/platform/config';
import { setLoggingSilent } from '@shop/platform/logging';
import { randomUUID } from 'node:crypto';
import { gatewayConfigSchema, type GatewayConfig } from '../../src/config';
import { startService, type StartedService } from '@shop/platform/service';
import { service } from '../../src/service';
import { closedPortUrl } from './upstream-stub';

export const JWT_SECRET = 'test-jwt-secret-that-is-at-least-32-chars';
export const GATEWAY_TOKEN = 'test-gateway-token-at-least-32-characters';

/** A gateway on a free port, and where to reach it. */
export interface TestGateway {
  url: string;
  running: StartedService;
  stop: () => Promise<void>;
}

/** The gateway's config for tests: port 0, test secrets, every service on a closed port unless env says otherwise. */
export async function testConfig(env: Record<string, string> = {}): Promise<GatewayConfig> {
  const nowhere = await closedPortUrl();
  return loadConfig(gatewayConfigSchema, {
    PORT: '0',
    JWT_SECRET,
    GATEWAY_TOKEN,
    USER_SERVICE_URL: nowhere,
    ORDER_SERVICE_URL: nowhere,
    PAYMENT_SERVICE_URL: nowhere,
    NOTIFICATION_SERVICE_URL: nowhere,
    CATALOG_SERVICE_URL: nowhere,
    SHUTDOWN_TIMEOUT_MS: '1000',
    ...env,
  });
}

/** Starts the real gateway with testConfig(env). */
export async function startTestGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  // The error paths these tests exercise on purpose would otherwise fill the output.
  setLoggingSilent(true);
  const running = await startService(service, await testConfig(env));
  return { url: `http://127.0.0.1:${running.port}`, running, stop: () => running.shutdown.run() };
}

/** A valid access token for a new customer (or the given claims). */
export async function tokenFor(claims: Partial<AccessClaims> = {}, ttlSeconds = 60): Promise<string> {
  return signAccessToken({ userId: randomUUID(), role: 'customer', ...claims }, JWT_SECRET, ttlSeconds);
}
