-- The outbox and inbox of every service that publishes or consumes events: defined here only,
-- applied by migrate() to each such service's database after its own migrations
-- (platform/src/data/database.ts). Written to be idempotent: order-service's and payment-service's
-- first migrations created these tables before they moved here (applied migrations are never
-- edited), and those databases end up exactly like new ones.

-- Outbox: events waiting for (or done with) the relay (platform/src/outbox). A row is pending
-- until published_at is set; a row the broker refused OUTBOX_MAX_ATTEMPTS times gets failed_at
-- and no longer holds up the rows behind it.
CREATE TABLE IF NOT EXISTS "outbox_messages" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(6),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_messages_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "outbox_messages" ADD COLUMN IF NOT EXISTS "failed_at" TIMESTAMPTZ(6);

CREATE UNIQUE INDEX IF NOT EXISTS "outbox_messages_seq_key" ON "outbox_messages"("seq");

-- What the relay reads: pending rows in seq order.
DROP INDEX IF EXISTS "outbox_messages_unpublished_idx";
CREATE INDEX IF NOT EXISTS "outbox_messages_pending_idx" ON "outbox_messages"("seq") WHERE ("published_at" IS NULL AND "failed_at" IS NULL);

-- Inbox: which handler already processed which message (platform/src/inbox).
CREATE TABLE IF NOT EXISTS "processed_messages" (
    "message_id" UUID NOT NULL,
    "handler" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_messages_pkey" PRIMARY KEY ("message_id","handler")
);
