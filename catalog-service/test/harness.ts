import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createEnvelope, type EventEnvelope } from '@shop/platform/messaging';
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

/** One line of an order: a product and how many. */
export interface OrderLine {
  productId: string;
  quantity: number;
}

/** An order.created payload as order-service sends it (catalog-service reads orderId and items); override any field. */
export function buildOrderCreated(lines: OrderLine[], overrides: Record<string, unknown> = {}) {
  const items = lines.map(({ productId, quantity }) => ({ productId, sku: 'SKU-1', name: 'A product', quantity, unitPriceCents: 1000 }));
  return {
    orderId: randomUUID(),
    userId: randomUUID(),
    customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
    paymentMethodId: randomUUID(),
    items,
    totalCents: 1000 * lines.reduce((sum, line) => sum + line.quantity, 0),
    currency: 'EUR',
    ...overrides,
  };
}

const customer = { email: 'ada@example.com', name: 'Ada Lovelace' };

/** order.paid, order.payment_failed or order.cancelled of an order, as order-service sends them. */
export function buildOrderOutcome(type: 'order.paid' | 'order.payment_failed' | 'order.cancelled', orderId: string): Record<string, unknown> {
  const common = { orderId, userId: randomUUID(), customer, totalCents: 2000, currency: 'EUR' };
  if (type === 'order.paid') return { ...common, paymentId: randomUUID() };
  if (type === 'order.payment_failed') return { ...common, reason: 'card_declined' };
  return { ...common, previousStatus: 'PENDING', paymentId: null };
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
  /** Publishes an event of this type with a fresh envelope, as order-service's relay would, and returns the envelope. */
  publishEvent(type: string, payload: Record<string, unknown>): Promise<EventEnvelope>;
  /** A product's units for sale and held, straight from its row. */
  unitsOf(productId: string): Promise<{ stock: number; reserved: number }>;
  /** The order's reservation row (status and items), or undefined. */
  reservationOf(orderId: string): Promise<{ status: string; items: OrderLine[] } | undefined>;
}

/** The real catalog-service on port 0 (its own database and exchange) with a quick outbox sweep. */
export async function startCatalogServiceUnderTest(env: Record<string, string> = {}): Promise<CatalogServiceUnderTest> {
  const sut = await startServiceUnderTest(service, { OUTBOX_POLL_INTERVAL_MS: '200', ...env });
  const createProduct = async (overrides: Record<string, unknown> = {}): Promise<ProductBody> =>
    (await request(sut.url).post('/products').set(asAdmin()).send(buildProduct(overrides)).expect(201)).body;
  async function query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: sut.databaseUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }
  return {
    ...sut,
    createProduct,
    async createInactiveProduct(overrides = {}) {
      const product = await createProduct(overrides);
      return (await request(sut.url).patch(`/products/${product.id}`).set(asAdmin()).send({ active: false }).expect(200)).body;
    },
    query,
    async publishEvent(type, payload) {
      const envelope = createEnvelope(type, 1, payload);
      await sut.publish(envelope);
      return envelope;
    },
    async unitsOf(productId) {
      const [row] = await query<{ stock: number; reserved: number }>('SELECT stock, reserved FROM products WHERE id = $1', [productId]);
      if (!row) throw new Error(`No product ${productId}`);
      return row;
    },
    async reservationOf(orderId) {
      const [row] = await query<{ status: string; items: OrderLine[] }>('SELECT status, items FROM stock_reservations WHERE order_id = $1', [orderId]);
      return row;
    },
  };
}
