import type { Pool, PoolClient } from 'pg';
import { getLogger } from '../logging';
import { MessageRejectedError, type EventPublisher } from '../messaging';
import { claimBatch, finishBatch } from './outbox-drain-sql';
import { outboxFailed, outboxPublished, outboxPublishFailures, trackBacklog, type Backlog } from './outbox-metrics';
import { DEFAULT_OUTBOX_CHANNEL } from './outbox-schema';
import { publishPipelined } from './publish-pipelined';

const log = getLogger('outbox');

/** Options of the outbox relay, with their defaults. */
export interface OutboxRelayOptions {
  /**
   * The service's own connection pool (the one its Prisma client uses): the relay holds one of
   * its connections for LISTEN and takes one per drain, within DATABASE_POOL_MAX.
   */
  pool: Pool;
  /** Where rows go; in services, the RabbitMqEventBus. */
  publisher: EventPublisher;
  /** LISTEN/NOTIFY channel enqueue notifies on. Default 'outbox'. */
  channel?: string;
  /** Rows published per transaction, sent together and confirmed together. Default 100. */
  batchSize?: number;
  /** Sweep interval, in ms: the fallback when a notification was missed. Default 1000. */
  pollIntervalMs?: number;
  /** Wait after a failed publish before the next attempt, in ms; doubles up to maxRetryDelayMs. Default 500. */
  retryDelayMs?: number;
  /** Longest wait between attempts while publishing fails, in ms. Default 30000. */
  maxRetryDelayMs?: number;
  /** Refusals (nacks) of one row after which it is set aside as failed, so it stops holding up the rows behind it. Default 10. */
  maxAttempts?: number;
  /** Bound on the backlog query run at metrics scrape time, in ms. Default 1000. */
  metricsQueryTimeoutMs?: number;
}

// First wait before re-opening a lost LISTEN connection, in ms; doubles up to 30 s.
const LISTEN_RETRY_MS = 1000;
// Counting stops here so a huge backlog does not make every scrape slow.
const BACKLOG_COUNT_CAP = 100_000;

/**
 * Publishes outbox rows in seq order: woken by NOTIFY when a transaction that recorded an event
 * commits, and by a periodic sweep. A batch is sent at once with pipelined confirms; a row is
 * marked published only if the broker confirmed it and every row before it. From the first
 * unconfirmed row on, rows stay pending and the relay backs off, so while the broker is down
 * rows simply wait. A row the broker itself refuses maxAttempts times is set aside as failed
 * (failed_at, last_error, a metric and an error log line) and the rows behind it go on.
 * Delivery is at least once: consumers dedupe with the inbox.
 */
export class OutboxRelay {
  private readonly options: Required<OutboxRelayOptions>;
  private listener: PoolClient | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private listenTimer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private drainRequested = false;
  private failureDelayMs = 0;
  private running = false;
  private stopWatchingPublisher: (() => void) | undefined;

  constructor(options: OutboxRelayOptions) {
    this.options = {
      channel: DEFAULT_OUTBOX_CHANNEL,
      batchSize: 100,
      pollIntervalMs: 1000,
      retryDelayMs: 500,
      maxRetryDelayMs: 30_000,
      maxAttempts: 10,
      metricsQueryTimeoutMs: 1000,
      ...options,
    };
    if (!/^[a-z_][a-z0-9_]*$/.test(this.options.channel)) throw new Error(`Invalid outbox channel name: ${this.options.channel}`);
    if (!Number.isInteger(this.options.batchSize) || this.options.batchSize < 1) throw new Error(`Invalid outbox batch size: ${this.options.batchSize}`);
  }

  /** Starts listening and sweeping, and drains what is already waiting. Does not fail when the database is down. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.listen(LISTEN_RETRY_MS);
    // The backoff (up to maxRetryDelayMs) is for a broker that is still away; once the
    // publisher is connected again, waiting longer only delays the events.
    this.stopWatchingPublisher = this.options.publisher.onConnected?.(() => this.retryNow());
    this.pollTimer = setInterval(() => this.requestDrain(), this.options.pollIntervalMs);
    trackBacklog(this, true);
    this.requestDrain();
  }

  /** Stops waking up, waits for the running drain, and gives its connections back to the pool. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    trackBacklog(this, false);
    this.stopWatchingPublisher?.();
    for (const timer of [this.pollTimer, this.retryTimer, this.listenTimer]) clearTimeout(timer);
    await this.draining;
    const listener = this.listener;
    this.listener = undefined;
    if (listener) {
      await listener.query(`UNLISTEN "${this.options.channel}"`).catch(() => undefined);
      listener.removeAllListeners('notification');
      listener.release();
    }
  }

  /** Asks for a drain; if one is running, another follows it. */
  requestDrain(): void {
    if (!this.running) return;
    this.drainRequested = true;
    if (this.draining || this.retryTimer) return;
    this.draining = this.drainLoop().finally(() => {
      this.draining = undefined;
      if (this.drainRequested && !this.retryTimer) this.requestDrain();
    });
  }

  /** Ends a running backoff wait and drains now (the publisher is back). */
  private retryNow(): void {
    if (!this.running || !this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.requestDrain();
  }

  /** Pending rows (up to a cap), the age of the oldest, and failed rows, bounded by metricsQueryTimeoutMs. */
  async backlog(): Promise<Backlog> {
    const query = this.options.pool.query<{ count: number; age: number | null; failed: number }>(
      `SELECT (SELECT count(*)::int FROM (SELECT 1 FROM outbox_messages WHERE published_at IS NULL AND failed_at IS NULL LIMIT $1) capped) AS count,
              (SELECT EXTRACT(EPOCH FROM now() - created_at)::float8 FROM outbox_messages
                WHERE published_at IS NULL AND failed_at IS NULL ORDER BY seq LIMIT 1) AS age,
              (SELECT count(*)::int FROM (SELECT 1 FROM outbox_messages WHERE failed_at IS NOT NULL LIMIT $1) capped) AS failed`,
      [BACKLOG_COUNT_CAP],
    );
    const { rows } = await withTimeout(query, this.options.metricsQueryTimeoutMs, 'outbox backlog query');
    return { count: rows[0]?.count ?? 0, oldestAgeSeconds: Math.max(0, rows[0]?.age ?? 0), failed: rows[0]?.failed ?? 0 };
  }

  private async drainLoop(): Promise<void> {
    while (this.drainRequested && this.running) {
      this.drainRequested = false;
      let outcome: { published: number; failed: boolean; full: boolean };
      try {
        outcome = await this.drainBatch();
      } catch (error) {
        log.warn('Outbox drain failed', { error });
        outcome = { published: 0, failed: true, full: false };
      }
      if (outcome.failed) {
        this.backOff();
        return;
      }
      if (this.failureDelayMs > 0) log.info('Outbox publishing recovered');
      this.failureDelayMs = 0;
      if (outcome.full) this.drainRequested = true;
    }
  }

  private backOff(): void {
    if (!this.running) return;
    const { retryDelayMs, maxRetryDelayMs } = this.options;
    this.failureDelayMs = this.failureDelayMs === 0 ? retryDelayMs : Math.min(this.failureDelayMs * 2, maxRetryDelayMs);
    this.drainRequested = true;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.requestDrain();
    }, this.failureDelayMs);
  }

  // One transaction, two database round trips: claim a batch, publish it pipelined, then mark
  // what the broker confirmed (the unbroken prefix) and commit.
  private async drainBatch(): Promise<{ published: number; failed: boolean; full: boolean }> {
    const client = await this.options.pool.connect();
    let broken = false;
    // A checked-out client that loses its connection between queries (while we wait for the
    // broker) emits 'error'; without a listener that would crash the process.
    const onLost = (error: Error) => {
      broken = true;
      log.warn('Outbox database connection lost during a drain', { error });
    };
    client.on('error', onLost);
    try {
      const rows = await claimBatch(client, this.options.batchSize);
      const { confirmed, failure } = await publishPipelined(this.options.publisher, rows.map((row) => row.payload));
      const stoppedRow = failure && rows[failure.index];
      if (failure && stoppedRow) {
        outboxPublishFailures.inc();
        if (this.failureDelayMs === 0) log.warn('Outbox publish failed, will retry', { type: stoppedRow.type, messageId: stoppedRow.id, error: failure.error });
      }
      const setAside = await finishBatch(client, {
        publishedIds: rows.slice(0, confirmed).map((row) => row.id),
        stopped: failure && stoppedRow ? { id: stoppedRow.id, error: messageOf(failure.error), refused: failure.error instanceof MessageRejectedError } : undefined,
        maxAttempts: this.options.maxAttempts,
      });
      for (const row of rows.slice(0, confirmed)) outboxPublished.inc({ type: row.type });
      if (setAside) {
        outboxFailed.inc({ type: setAside.type });
        log.error('Outbox row set aside after repeated refusals; the rows behind it go on', { ...setAside, error: messageOf(failure?.error) });
        // Not a failed drain: what follows the set-aside row goes out now, without a backoff.
        return { published: confirmed, failed: false, full: true };
      }
      return { published: confirmed, failed: confirmed < rows.length, full: rows.length === this.options.batchSize };
    } catch (error) {
      broken = true;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.removeListener('error', onLost);
      client.release(broken);
    }
  }

  // A connection of the pool held for LISTEN; given back (destroyed) and taken again, followed
  // by a sweep, when it drops.
  private async listen(delayMs: number): Promise<void> {
    if (!this.running) return;
    let client: PoolClient;
    try {
      client = await this.options.pool.connect();
      await client.query(`LISTEN "${this.options.channel}"`).catch((error: unknown) => {
        client.release(true);
        throw error;
      });
    } catch (error) {
      log.warn('Outbox listener cannot connect, retrying', { error });
      this.retryListen(Math.min(delayMs * 2, 30_000), delayMs);
      return;
    }
    if (!this.running) {
      client.release();
      return;
    }
    const lost = (error: unknown) => {
      if (this.listener !== client) return;
      log.warn('Outbox listener connection lost, reconnecting', { error });
      this.listener = undefined;
      client.removeAllListeners('notification');
      client.release(true);
      this.retryListen(LISTEN_RETRY_MS * 2, LISTEN_RETRY_MS);
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('connection ended')));
    client.on('notification', (message) => {
      if (message.channel === this.options.channel) this.requestDrain();
    });
    this.listener = client;
    // Notifications sent while we were not listening are lost: sweep once.
    this.requestDrain();
  }

  private retryListen(nextDelayMs: number, waitMs: number): void {
    if (!this.running) return;
    clearTimeout(this.listenTimer);
    this.listenTimer = setTimeout(() => void this.listen(nextDelayMs), waitMs);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
