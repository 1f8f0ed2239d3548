-- Issue 17: order-service owns the order saga (stock reservation, payment, cancel, refund).
-- STOCK_RESERVED: catalog-service holds the stock and payment-service may charge (the API shows
-- it as PENDING). REJECTED: the stock was not there. PG 15 adds enum values inside the migration's
-- transaction, but they cannot be used before it commits, so nothing below uses them.
ALTER TYPE "order_status" ADD VALUE 'STOCK_RESERVED' AFTER 'PENDING';
ALTER TYPE "order_status" ADD VALUE 'REJECTED' AFTER 'PAYMENT_FAILED';

-- The payment that made the order PAID: a cancel after payment asks payment-service to refund it.
ALTER TABLE "orders" ADD COLUMN "payment_id" UUID;
-- When payment-service refunded a payment of the order (set once, from payment.refunded).
ALTER TABLE "orders" ADD COLUMN "refunded_at" TIMESTAMPTZ(3);
-- REJECTED orders: the lines catalog-service could not reserve [{productId, sku, name, requested, available}].
ALTER TABLE "orders" ADD COLUMN "unavailable_items" JSONB;

-- Orders PAID before this migration: their payment id is in the order.paid event they recorded
-- (the outbox keeps published rows), so they can be cancelled and refunded like newer ones.
UPDATE "orders" AS o
   SET "payment_id" = (m."payload" -> 'payload' ->> 'paymentId')::uuid
  FROM "outbox_messages" AS m
 WHERE o."status" = 'PAID'
   AND o."payment_id" IS NULL
   AND m."type" = 'order.paid'
   AND m."payload" -> 'payload' ->> 'orderId' = o."id"::text;
