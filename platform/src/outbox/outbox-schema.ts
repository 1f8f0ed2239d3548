import { INBOX_TABLE_SQL } from '../messaging';

/** Name of the table the outbox relay reads. */
export const OUTBOX_TABLE = 'outbox_messages';

/** Default LISTEN/NOTIFY channel that wakes the relay on commit. */
export const DEFAULT_OUTBOX_CHANNEL = 'outbox';

/**
 * The outbox table, as Prisma Migrate writes it for the `OutboxMessage` model in README.md,
 * plus the partial index the relay's query uses. Services copy it into a migration.
 */
export const OUTBOX_TABLE_SQL = `-- CreateTable
CREATE TABLE "outbox_messages" (
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

-- CreateIndex
CREATE UNIQUE INDEX "outbox_messages_seq_key" ON "outbox_messages"("seq");

-- CreateIndex
CREATE INDEX "outbox_messages_unpublished_idx" ON "outbox_messages"("seq") WHERE ("published_at" IS NULL);
`;

/** Outbox and inbox tables together: what a service that publishes and consumes migrates. */
export const OUTBOX_TABLES_SQL = `${OUTBOX_TABLE_SQL}\n${INBOX_TABLE_SQL}`;
