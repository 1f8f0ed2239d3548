import { createEnvelope, type RabbitMqEventBus } from '@shop/platform/messaging';
import type { StartedService } from '@shop/platform/service';
import { startServiceUnderTest, TEST_SERVICE_TOKEN, waitFor, type ServiceUnderTest } from '@shop/platform/testing';
import type { OrderServiceConfig } from '../src/config';
import type { OrderDb } from '../src/data-access/database';
import { service } from '../src/service';
import { buildProduct, StubCatalogService, type CatalogProductFields } from './stub-catalog-service';
import { StubUserService } from './stub-user-service';

export { asUser, TEST_GATEWAY_TOKEN as GATEWAY_TOKEN, TEST_SERVICE_TOKEN as SERVICE_TOKEN } from '@shop/platform/testing';

/** Products the stub catalog holds from the start (so every order-service under test knows them after its first fill). */
export const BOOK = buildProduct({ sku: 'BOOK-1', name: 'The Art of Computer Programming', priceCents: 1999 });
export const MUG = buildProduct({ sku: 'MUG-7', name: 'Mug', priceCents: 500 });

/** A valid order body (2 books, 1 mug: 4498 EUR cents); override any field. */
export function buildOrder(overrides: Record<string, unknown> = {}) {
  return {
    items: [
      { productId: BOOK.productId, quantity: 2 },
      { productId: MUG.productId, quantity: 1 },
    ],
    paymentMethodId: '7c1f6a3e-1d2b-4c5d-8e9f-0a1b2c3d4e5f',
    ...overrides,
  };
}

export interface OrderServiceUnderTest extends ServiceUnderTest<OrderServiceConfig, OrderDb> {
  /** The catalog-service stand-in the service fills its catalog copy from. */
  catalog: StubCatalogService;
  /** Publishes a product.* event as catalog-service would, and resolves once the service's copy holds that version. */
  publishProduct(product: CatalogProductFields, type?: 'product.created' | 'product.updated' | 'product.stock_changed'): Promise<void>;
  /** The running service; it always has a bus (its definition declares messaging). */
  service: StartedService<OrderDb> & { bus: RabbitMqEventBus };
  /** The user-service stand-in the service looks customers up in. */
  users: StubUserService;
}

/**
 * The real order-service on port 0 (platform/testing's startServiceUnderTest: its own database
 * and exchange, fast retries) with stub user- and catalog-services and a quick breaker; resolves
 * once its catalog copy is filled (unless `catalogProducts` is null: the stub catalog is then
 * left stopped). stop() also stops the stubs.
 */
export async function startOrderServiceUnderTest(
  env: Record<string, string> = {},
  options: { databasePort?: number; catalogProducts?: CatalogProductFields[] | null } = {},
): Promise<OrderServiceUnderTest> {
  const users = new StubUserService(TEST_SERVICE_TOKEN);
  await users.start();
  const catalog = new StubCatalogService(TEST_SERVICE_TOKEN, options.catalogProducts === null ? [] : (options.catalogProducts ?? [BOOK, MUG]));
  await catalog.start();
  if (options.catalogProducts === null) await catalog.stop();
  const sut = await startServiceUnderTest(
    service,
    { USER_SERVICE_URL: users.url, USER_SERVICE_TIMEOUT_MS: '500', BREAKER_RESET_TIMEOUT_MS: '500', CATALOG_SERVICE_URL: catalog.url, ...env },
    { databasePort: options.databasePort },
  );
  if (options.catalogProducts !== null) {
    await waitFor(async () => (await fetch(`${sut.url}/ready`)).ok, { what: 'order-service to be ready, its catalog copy filled' });
  }
  return {
    ...sut,
    service: sut.service as OrderServiceUnderTest['service'],
    users,
    catalog,
    async publishProduct(product, type = 'product.updated') {
      await sut.publish(createEnvelope(type, 1, product));
      await waitFor(async () => (await sut.service.db.catalogProduct.findUnique({ where: { id: product.productId } }))?.version === product.version, {
        what: `version ${product.version} of product ${product.productId} in the catalog copy`,
      });
    },
    async stop() {
      await sut.stop();
      await Promise.all([users.stop(), catalog.stop()]);
    },
  };
}
