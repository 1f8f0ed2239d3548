/** Name of the table the outbox relay reads (created by platform/migrations/messaging). */
export const OUTBOX_TABLE = 'outbox_messages';

/** Default LISTEN/NOTIFY channel that wakes the relay on commit. */
export const DEFAULT_OUTBOX_CHANNEL = 'outbox';
