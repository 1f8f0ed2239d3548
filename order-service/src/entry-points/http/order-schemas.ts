import { pageQuery, z } from '@shop/platform/openapi';
import { CLIENT_ORDER_STATUSES } from '../../domain/order-status';

// Request and response shapes; the same schemas validate input and produce the OpenAPI document.

export const MAX_LINES = 50;

// Business rule: a customer says what to buy and how many; prices, names and the total come from
// the catalog. Strict: any other field (a price, a currency, a user id...) is a 400 naming it.
const orderLineRequest = z
  .object({
    productId: z.uuid(),
    quantity: z.number().int().min(1).max(1000),
  })
  .strict();

export const placeOrderBody = z
  .object({
    items: z
      .array(orderLineRequest)
      .min(1)
      .max(MAX_LINES)
      .superRefine((items, ctx) => {
        const seen = new Set<string>();
        items.forEach((item, index) => {
          if (seen.has(item.productId)) ctx.addIssue({ code: 'custom', path: [index, 'productId'], message: 'names a product an earlier line has: one line per product' });
          seen.add(item.productId);
        });
      }),
    paymentMethodId: z.uuid(),
  })
  .strict()
  .openapi('PlaceOrder');

const orderLine = z.object({
  productId: z.uuid().nullable().openapi({ description: 'null only for lines placed before orders bought catalog products' }),
  sku: z.string(),
  name: z.string(),
  quantity: z.number().int().positive(),
  unitPriceCents: z.number().int().positive(),
});

const unavailableItem = z.object({
  productId: z.uuid(),
  sku: z.string(),
  name: z.string(),
  requested: z.number().int().positive(),
  available: z.number().int().nonnegative().openapi({ description: 'Units the product had for sale at that moment (0 for an unknown product)' }),
});

export const idempotencyHeaders = z.object({
  'idempotency-key': z.string().min(1).max(255).optional(),
});

export const orderIdParams = z.object({ id: z.uuid() });

export const listOrdersQuery = pageQuery;

export const orderResponse = z
  .object({
    id: z.uuid(),
    status: z.enum(CLIENT_ORDER_STATUSES).openapi({
      description:
        'PENDING: placed, stock being reserved or payment under way; PAID; PAYMENT_FAILED: the charge was refused; REJECTED: some items were out of stock, nobody was charged; CANCELLED by the customer (a paid order is then refunded)',
    }),
    items: z.array(orderLine),
    totalCents: z.number().int(),
    currency: z.string(),
    paymentMethodId: z.uuid(),
    statusReason: z.string().optional().openapi({ description: 'Why the order failed: REJECTED → "out_of_stock"; PAYMENT_FAILED → the payment\'s reason (e.g. "card_declined")' }),
    failureReason: z.string().optional().openapi({ description: 'PAYMENT_FAILED only: the payment\'s reason (same as statusReason; kept for existing clients)' }),
    unavailableItems: z.array(unavailableItem).optional().openapi({ description: 'REJECTED only: the items that could not be reserved' }),
    refundedAt: z.iso.datetime().optional().openapi({ description: 'When the payment of the order was refunded (after a cancel, or a charge the order could not keep)' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Order');

export const ordersPage = z.object({ items: z.array(orderResponse), nextCursor: z.string().nullable() }).openapi('OrdersPage');
