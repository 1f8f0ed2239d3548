import type { Logger } from '@shop/platform/logging';
import { rateLimitStoreErrors, showActiveStore, type StoreErrorReason } from './rate-limit-metrics';

/**
 * Whether the limiters count in Redis or in memory right now, shared by both limiters of one
 * gateway. It logs only when that changes (an outage is two lines, not one per request) and
 * counts every request decided in memory. After a timeout or an error reply Redis is skipped for
 * retryAfterMs, so a Redis that accepts connections but does not answer costs one timeout per
 * interval, not one per request; a disconnected client is skipped at once (node-redis reconnects
 * by itself, and the next request after it is ready counts in Redis again).
 */
export class RateLimitStoreHealth {
  private usingRedis: boolean | undefined;
  private retryAt = 0;

  constructor(
    private readonly isConnected: () => boolean,
    private readonly retryAfterMs: number,
    private readonly log: Logger,
  ) {}

  /** Whether this count should be tried in Redis. */
  shouldTryRedis(now = Date.now()): boolean {
    return this.isConnected() && now >= this.retryAt;
  }

  /** A count went to Redis. */
  recordRedisUsed(): void {
    if (this.usingRedis === true) return;
    if (this.usingRedis === false) this.log.info('Redis reachable again: rate limits are shared across gateways again');
    this.usingRedis = true;
    showActiveStore('redis');
  }

  /** A count could not go to Redis and was decided in this replica's memory. */
  recordFallback(limiter: string, reason: StoreErrorReason, error?: unknown, now = Date.now()): void {
    rateLimitStoreErrors.inc({ limiter, reason });
    if (reason !== 'unavailable') this.retryAt = now + this.retryAfterMs;
    if (this.usingRedis === false) return;
    this.usingRedis = false;
    showActiveStore('memory');
    this.log.warn('Redis unreachable: rate limits count per gateway replica in memory until it is back', {
      limiter,
      reason,
      error: error instanceof Error ? error.message : undefined,
    });
  }
}
