import type { RabbitMqEventBus } from '@shop/platform/messaging';
import type { StartedService } from '@shop/platform/service';
import { startServiceUnderTest, TEST_SERVICE_TOKEN, type ServiceUnderTest } from '@shop/platform/testing';
import type { OrderServiceConfig } from '../src/config';
import type { OrderDb } from '../src/data-access/database';
import { service } from '../src/service';
import { StubUserService } from './stub-user-service';

export { asUser, TEST_GATEWAY_TOKEN as GATEWAY_TOKEN, TEST_SERVICE_TOKEN as SERVICE_TOKEN } from '@shop/platform/testing';

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

export interface OrderServiceUnderTest extends ServiceUnderTest<OrderServiceConfig, OrderDb> {
  /** The running service; it always has a bus (its definition declares messaging). */
  service: StartedService<OrderDb> & { bus: RabbitMqEventBus };
  /** The user-service stand-in the service looks customers up in. */
  users: StubUserService;
}

/**
 * The real order-service on port 0 (platform/testing's startServiceUnderTest: its own database
 * and exchange, fast retries) with a stub user-service and a quick breaker. stop() also stops
 * the stub.
 */
export async function startOrderServiceUnderTest(
  env: Record<string, string> = {},
  options: { databasePort?: number } = {},
): Promise<OrderServiceUnderTest> {
  const users = new StubUserService(TEST_SERVICE_TOKEN);
  await users.start();
  const sut = await startServiceUnderTest(
    service,
    { USER_SERVICE_URL: users.url, USER_SERVICE_TIMEOUT_MS: '500', BREAKER_RESET_TIMEOUT_MS: '500', ...env },
    options,
  );
  return {
    ...sut,
    service: sut.service as OrderServiceUnderTest['service'],
    users,
    async stop() {
      await sut.stop();
      await users.stop();
    },
  };
}
