import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { asUser, startServiceUnderTest, type ServiceUnderTest } from '@shop/platform/testing';
import request from 'supertest';
import type { CatalogServiceConfig } from '../src/config';
import type { CatalogDb } from '../src/data-access/database';
import { service } from '../src/service';

export { asService, asUser } from '@shop/platform/testing';

/** Headers of a signed-in admin (a fresh one each call unless an id is given). */
export const asAdmin = (userId: string = randomUUID()) => asUser(userId, 'admin');

/** Headers of a signed-in customer. */
export const asCustomer = (userId: string = randomUUID()) => asUser(userId, 'customer');

/** A sku no other test uses. */
export const uniqueSku = (prefix = 'SKU') => `${prefix}-${randomBytes(4).toString('hex').toUpperCase()}`;

/** A valid POST /products body with a unique sku; override any field. */
export function buildProduct(overrides: Record<string, unknown> = {}) {
  return { sku: uniqueSku(), name: 'The Art of Computer Programming', description: 'Volume 1', priceCents: 7499, currency: 'EUR', stock: 10, ...overrides };
}

/** A product as the API returns it. */
export interface ProductBody {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  priceCents: number;
  currency: string;
  stock: number;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CatalogServiceUnderTest extends ServiceUnderTest<CatalogServiceConfig, CatalogDb> {
  /** Creates a product through the API as an admin and returns it. */
  createProduct(overrides?: Record<string, unknown>): Promise<ProductBody>;
  /** Creates a product, then deactivates it through the API, and returns it. */
  createInactiveProduct(overrides?: Record<string, unknown>): Promise<ProductBody>;
  /** Runs SQL on the service's database (to look at what the API does not show). */
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** The real catalog-service on port 0 (its own database and exchange) with a quick outbox sweep. */
export async function startCatalogServiceUnderTest(env: Record<string, string> = {}): Promise<CatalogServiceUnderTest> {
  const sut = await startServiceUnderTest(service, { OUTBOX_POLL_INTERVAL_MS: '200', ...env });
  const createProduct = async (overrides: Record<string, unknown> = {}): Promise<ProductBody> =>
    (await request(sut.url).post('/products').set(asAdmin()).send(buildProduct(overrides)).expect(201)).body;
  return {
    ...sut,
    createProduct,
    async createInactiveProduct(overrides = {}) {
      const product = await createProduct(overrides);
      return (await request(sut.url).patch(`/products/${product.id}`).set(asAdmin()).send({ active: false }).expect(200)).body;
    },
    async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      const client = new Client({ connectionString: sut.databaseUrl });
      await client.connect();
      try {
        return (await client.query<T>(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
  };
}
