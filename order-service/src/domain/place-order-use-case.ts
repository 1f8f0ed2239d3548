import { createHash, randomUUID } from 'node:crypto';
import { findCatalogProducts } from '../data-access/catalog-product-repository';
import { findStoredResponse, isIdempotencyKeyTaken } from '../data-access/idempotency-repository';
import { insertPlacedOrder } from '../data-access/order-repository';
import type { OrderDb } from '../data-access/database';
import { orderCreated } from '../events/order-events';
import { toOrderResponse, type Order, type OrderResponse } from './order';
import { IdempotencyKeyReused } from './order-errors';
import { priceOrder, type OrderLineRequest } from './order-pricing';
import type { Customer } from './user-service-client';

export interface PlaceOrderInput {
  items: OrderLineRequest[];
  paymentMethodId: string;
}

export interface PlaceOrderDeps {
  db: OrderDb;
  /** Verifies the user in user-service (503 when it cannot be asked; never invents one). */
  lookupCustomer: (userId: string) => Promise<Customer>;
  /** Throws 503 while order-service's copy of the catalog has never been filled. */
  assertCatalogFilled: () => Promise<void>;
}

export interface PlacedOrder {
  statusCode: number;
  body: OrderResponse;
}

/**
 * Places an order: replays the first response for a known Idempotency-Key, prices the lines
 * from order-service's copy of the catalog (so it works while catalog-service is down), verifies
 * the customer, then writes the PENDING order, its `order.created` event and the key's response
 * in one statement, so there is never an order without its event or a half-written retry.
 */
export async function placeOrder(
  deps: PlaceOrderDeps,
  userId: string,
  input: PlaceOrderInput,
  idempotencyKey?: string,
): Promise<PlacedOrder> {
  const requestHash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
  if (idempotencyKey) {
    const replay = await replayStored(deps.db, userId, idempotencyKey, requestHash);
    if (replay) return replay;
  }
  await deps.assertCatalogFilled();
  const products = await findCatalogProducts(deps.db, input.items.map((line) => line.productId));
  const priced = priceOrder(input.items, new Map(products.map((product) => [product.id, product])));
  const customer = await deps.lookupCustomer(userId);
  const now = new Date();
  const order: Order = {
    id: randomUUID(),
    userId,
    customer,
    status: 'PENDING',
    ...priced,
    paymentMethodId: input.paymentMethodId,
    failureReason: null,
    paymentId: null,
    refundedAt: null,
    unavailableItems: null,
    createdAt: now,
    updatedAt: now,
  };
  const placed = { statusCode: 201, body: toOrderResponse(order) };
  try {
    await insertPlacedOrder(deps.db, {
      order,
      event: orderCreated(order),
      idempotency: idempotencyKey ? { userId, key: idempotencyKey, stored: { requestHash, statusCode: placed.statusCode, response: placed.body } } : undefined,
    });
    return placed;
  } catch (error) {
    // A concurrent request with the same key won the race: answer what it answered.
    if (idempotencyKey && isIdempotencyKeyTaken(error)) {
      const replay = await replayStored(deps.db, userId, idempotencyKey, requestHash);
      if (replay) return replay;
    }
    throw error;
  }
}

async function replayStored(db: OrderDb, userId: string, key: string, requestHash: string): Promise<PlacedOrder | null> {
  const stored = await findStoredResponse(db, userId, key);
  if (!stored) return null;
  if (stored.requestHash !== requestHash) throw new IdempotencyKeyReused();
  return { statusCode: stored.statusCode, body: stored.response as OrderResponse };
}
