export { outboxInsertSql, type OutboxInsertOptions } from './outbox-insert-sql';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export { DEFAULT_OUTBOX_CHANNEL, OUTBOX_TABLE } from './outbox-schema';
