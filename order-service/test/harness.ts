import path from 'node:path';
import { IDENTITY_HEADERS } from '@shop/platform/http';
import { createTestDatabase, deleteTopology, dropTestDatabase, TEST_BROKER_URL, uniqueExchangeName } from '@shop/platform/testing';
import { readConfig, type OrderServiceConfig } from '../src/config';
import { startOrderService, type StartedOrderService } from '../src/start';
import { StubUserService } from './stub-user-service';

export const GATEWAY_TOKEN = 'gateway-token-for-tests-0123456789abcdef';
export const SERVICE_TOKEN = 'service-token-for-tests-0123456789abcdef';

/** Headers the gateway forwards for a verified user. */
export function asUser(userId: string): Record<string, string> {
  return { [IDENTITY_HEADERS.gatewayToken]: GATEWAY_TOKEN, [IDENTITY_HEADERS.userId]: userId, [IDENTITY_HEADERS.userRole]: 'customer' };
}

/** A valid order body; override any field. */
export function buildOrder(overrides: Record<string, unknown> = {}) {
  return {
    items: [
      { sku: 'BOOK-1', name: 'The Art of Computer Programming', quantity: 2, unitPriceCents: 1999 },
      { sku: 'MUG-7', name: 'Mug', quantity: 1, unitPriceCents: 500 },
    ],
    currency: 'EUR',
    paymentMethodId: '7c1f6a3e-1d2b-4c5d-8e9f-0a1b2c3d4e5f',
    ...overrides,
  };
}

export interface OrderServiceUnderTest {
  service: StartedOrderService;
  config: OrderServiceConfig;
  users: StubUserService;
  /** http://127.0.0.1:<port> of the running service. */
  url: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * The real order-service on port 0 with its own fresh database and exchange (so test files
 * running in parallel never see each other's events), a stub user-service, and fast retries.
 * stop() shuts it down and removes database, exchange and queues.
 */
export async function startOrderServiceUnderTest(
  env: Record<string, string> = {},
  options: { databasePort?: number } = {},
): Promise<OrderServiceUnderTest> {
  const users = new StubUserService(SERVICE_TOKEN);
  await users.start();
  const databaseUrl = await createTestDatabase('order_service', path.join(__dirname, '../prisma/migrations'));
  const exchange = uniqueExchangeName('test.orders');
  // The service may reach its database through a port of the test's choosing (a TcpProxy).
  const serviceDatabaseUrl = new URL(databaseUrl);
  if (options.databasePort) serviceDatabaseUrl.port = String(options.databasePort);
  const config = readConfig({
    DATABASE_URL: serviceDatabaseUrl.toString(),
    GATEWAY_TOKEN,
    SERVICE_TOKEN,
    RABBITMQ_URL: TEST_BROKER_URL,
    EVENTS_EXCHANGE: exchange,
    RETRY_DELAYS_MS: '100,200',
    USER_SERVICE_URL: users.url,
    USER_SERVICE_TIMEOUT_MS: '500',
    BREAKER_RESET_TIMEOUT_MS: '500',
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    ...env,
  });
  const service = await startOrderService(config);
  return {
    service,
    config,
    users,
    url: `http://127.0.0.1:${service.port}`,
    databaseUrl,
    async stop() {
      await service.shutdown.run();
      await users.stop();
      const { queue, retryQueues, deadQueue } = service.bus.topology;
      await deleteTopology(TEST_BROKER_URL, { exchanges: [exchange], queues: [queue, ...retryQueues, deadQueue] });
      await dropTestDatabase(databaseUrl);
    },
  };
}
