import { pageQuery, z } from '@shop/platform/openapi';
import { ORDER_STATUSES } from '../../domain/order-status';

// Request and response shapes; the same schemas validate input and produce the OpenAPI document.

export const MAX_LINES = 50;

const orderLine = z
  .object({
    sku: z.string().trim().min(1).max(64),
    name: z.string().trim().min(1).max(200),
    quantity: z.number().int().positive().max(1000),
    unitPriceCents: z.number().int().positive().max(100_000_000),
  })
  .strict();

export const placeOrderBody = z
  .object({
    items: z.array(orderLine).min(1).max(MAX_LINES),
    currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as EUR'),
    paymentMethodId: z.uuid(),
  })
  .strict()
  .openapi('PlaceOrder');

export const idempotencyHeaders = z.object({
  'idempotency-key': z.string().min(1).max(255).optional(),
});

export const orderIdParams = z.object({ id: z.uuid() });

export const listOrdersQuery = pageQuery;

export const orderResponse = z
  .object({
    id: z.uuid(),
    status: z.enum(ORDER_STATUSES),
    items: z.array(orderLine),
    totalCents: z.number().int(),
    currency: z.string(),
    paymentMethodId: z.uuid(),
    failureReason: z.string().optional(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Order');

export const ordersPage = z.object({ items: z.array(orderResponse), nextCursor: z.string().nullable() }).openapi('OrdersPage');
