-- Issue 20: a tombstone per deleted account. An event about its orders that arrives after the
-- deletion (order.refunded, a redelivery) is checked against it and mails nobody: the event
-- still carries the old address, and erasing the rows once would not stop the next one.
CREATE TABLE "deleted_users" (
    "user_id" UUID NOT NULL,
    "deleted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deleted_users_pkey" PRIMARY KEY ("user_id")
);
