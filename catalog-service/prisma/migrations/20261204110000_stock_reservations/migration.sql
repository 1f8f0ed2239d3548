-- Issue 17: catalog-service reserves stock for orders (saga contract, /work/notes/saga-contract.md).
-- products.stock stays the units customers can buy now; reserved units are held for orders that
-- are not paid yet. Units on hand = stock + reserved.
ALTER TABLE "products" ADD COLUMN "reserved" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "products" ADD CONSTRAINT "products_reserved_not_negative" CHECK ("reserved" >= 0);

-- One reservation per order: its primary key is what makes order.created idempotent per order
-- (a redelivery with another message id, or a tombstone left by an earlier order.cancelled,
-- finds the row and reserves nothing).
CREATE TABLE "stock_reservations" (
    "order_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    -- [{productId, quantity}], one entry per product (quantities of an order's lines summed).
    "items" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_reservations_pkey" PRIMARY KEY ("order_id"),
    CONSTRAINT "stock_reservations_status_known" CHECK ("status" IN ('reserved', 'committed', 'released', 'returned', 'rejected')),
    CONSTRAINT "stock_reservations_items_array" CHECK (jsonb_typeof("items") = 'array')
);
