export { enqueue, type EnqueueOptions } from './enqueue';
export { outboxInsertSql, type OutboxInsertOptions } from './outbox-insert-sql';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export { DEFAULT_OUTBOX_CHANNEL, OUTBOX_TABLE, OUTBOX_TABLE_SQL, OUTBOX_TABLES_SQL } from './outbox-schema';
export { INBOX_TABLE_SQL, inboxInsertSql, markProcessed, type InboxInsertOptions, type SqlExecutor } from '../messaging';
