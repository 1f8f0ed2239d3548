-- Issue 17: payments can be refunded (a cancelled paid order), and cancelled orders are remembered
-- so a charge requested after the cancel is never made.

-- AlterEnum (the new value is not used in this migration: PostgreSQL forbids that in the same transaction)
ALTER TYPE "payment_status" ADD VALUE 'refunded';

-- AlterTable
ALTER TABLE "payments" ADD COLUMN "refunded_at" TIMESTAMPTZ(3),
ADD COLUMN "processor_refund_id" VARCHAR(64);

-- CreateTable
CREATE TABLE "cancelled_orders" (
    "order_id" UUID NOT NULL,
    "cancelled_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cancelled_orders_pkey" PRIMARY KEY ("order_id")
);
