import { promClient, registry } from '../metrics';

/** Pending rows (capped), the age of the oldest pending row, and rows set aside as failed. */
export interface Backlog {
  count: number;
  oldestAgeSeconds: number;
  failed: number;
}

/** Something that can report its outbox backlog. */
export interface BacklogSource {
  backlog(): Promise<Backlog>;
}

// Each source with its last answer, kept when a query fails (database down) rather than
// reporting an empty outbox.
const sources = new Map<BacklogSource, Backlog>();
let pending: Promise<Backlog> | undefined;

// Both gauges are collected during the same scrape; they share one round of queries.
function backlog(): Promise<Backlog> {
  pending ??= (async () => {
    const entries = [...sources.entries()];
    const results = await Promise.allSettled(entries.map(([source]) => source.backlog()));
    const total: Backlog = { count: 0, oldestAgeSeconds: 0, failed: 0 };
    for (const [i, result] of results.entries()) {
      const [source, last] = entries[i]!;
      const current = result.status === 'fulfilled' ? result.value : last;
      if (sources.has(source)) sources.set(source, current);
      total.count += current.count;
      total.failed += current.failed;
      total.oldestAgeSeconds = Math.max(total.oldestAgeSeconds, current.oldestAgeSeconds);
    }
    return total;
  })().finally(() => setTimeout(() => (pending = undefined), 100).unref());
  return pending;
}

/** Rows waiting to be published (capped, see OutboxRelay), read at scrape time. */
export const outboxUnpublished = new promClient.Gauge({
  name: 'outbox_unpublished_messages',
  help: 'Outbox rows waiting to be published, failed ones not included (counted up to a cap)',
  registers: [registry],
  async collect() {
    this.set((await backlog()).count);
  },
});

/** Age of the oldest unpublished row, in seconds; 0 when none wait. */
export const outboxOldestAge = new promClient.Gauge({
  name: 'outbox_oldest_unpublished_age_seconds',
  help: 'Age of the oldest unpublished outbox row in seconds (0 when empty)',
  registers: [registry],
  async collect() {
    this.set((await backlog()).oldestAgeSeconds);
  },
});

/** Rows set aside as failed and still in the table (capped), read at scrape time: each needs a look. */
export const outboxFailedRows = new promClient.Gauge({
  name: 'outbox_failed_messages',
  help: 'Outbox rows set aside after repeated refusals by the broker (counted up to a cap)',
  registers: [registry],
  async collect() {
    this.set((await backlog()).failed);
  },
});

/** Rows set aside as failed, by event type. */
export const outboxFailed = new promClient.Counter({
  name: 'outbox_messages_failed_total',
  help: 'Outbox rows set aside after repeated refusals by the broker, by event type',
  labelNames: ['type'] as const,
  registers: [registry],
});

/** Outbox rows published and confirmed, by event type. */
export const outboxPublished = new promClient.Counter({
  name: 'outbox_messages_published_total',
  help: 'Outbox rows published and confirmed by the broker, by event type',
  labelNames: ['type'] as const,
  registers: [registry],
});

/** Failed publish attempts of outbox rows. */
export const outboxPublishFailures = new promClient.Counter({
  name: 'outbox_publish_failures_total',
  help: 'Failed attempts to publish an outbox row',
  registers: [registry],
});

/** Adds or removes a relay from the backlog gauges. */
export function trackBacklog(source: BacklogSource, tracked: boolean): void {
  if (tracked) sources.set(source, { count: 0, oldestAgeSeconds: 0, failed: 0 });
  else sources.delete(source);
}
