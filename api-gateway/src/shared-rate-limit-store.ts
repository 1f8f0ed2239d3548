import { MemoryStore, type ClientRateLimitInfo, type IncrementResponse, type Options, type Store } from 'express-rate-limit';
import { RedisStore, type SendCommandFn } from 'rate-limit-redis';
import type { RateLimitStoreHealth } from './rate-limit-store-health';

/** Thrown when Redis did not answer within the store's timeout. */
class RedisTimeoutError extends Error {
  override readonly name = 'RedisTimeoutError';
}

/** Settles with work's result, or rejects with RedisTimeoutError after timeoutMs (work is left to settle unobserved). */
async function withinTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new RedisTimeoutError(`no answer from Redis within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** What one limiter's shared store needs. */
export interface SharedStoreOptions {
  /** Limiter name, for metrics and logs (per-client, login). */
  limiter: string;
  /** Prefix of this limiter's keys in Redis; unique per limiter, the same on every gateway. */
  prefix: string;
  /** Sends one command to Redis (node-redis sendCommand, without offline queue). */
  sendCommand: SendCommandFn;
  /** Longest one count may wait for Redis before it is decided in memory, in ms. */
  timeoutMs: number;
  /** Whether Redis is used now; shared by both limiters of a gateway. */
  health: RateLimitStoreHealth;
}

/**
 * An express-rate-limit store that counts in Redis (rate-limit-redis), so a limit holds across
 * every gateway replica, and falls back to this replica's memory when Redis is unreachable or
 * slow. Every count also goes to memory, so the fallback starts from what this replica has seen
 * in the current window rather than from zero. No count waits longer than timeoutMs for Redis.
 */
export class SharedRateLimitStore implements Store {
  /** Counts live outside this process (express-rate-limit's double-count check keys on prefix). */
  readonly localKeys = false;
  readonly prefix: string;
  private readonly redis: RedisStore;
  private readonly memory = new MemoryStore();
  private options: Options | undefined;
  // rate-limit-redis keeps the promise of its script load: one that failed (Redis down at start,
  // or cut mid-load) fails every later count, so the scripts are loaded again after any failure.
  private scriptsLoaded: Promise<void> | undefined;

  constructor(private readonly settings: SharedStoreOptions) {
    this.prefix = settings.prefix;
    this.redis = new RedisStore({ sendCommand: settings.sendCommand, prefix: settings.prefix });
  }

  /** Called by express-rate-limit once, not awaited: Redis scripts load on the first count. */
  init(options: Options): void {
    this.options = options;
    this.memory.init(options);
  }

  async increment(key: string): Promise<IncrementResponse> {
    const local = await this.memory.increment(key);
    return (await this.inRedis((redis) => redis.increment(key))) ?? local;
  }

  async decrement(key: string): Promise<void> {
    await this.memory.decrement(key);
    await this.inRedis((redis) => redis.decrement(key));
  }

  async resetKey(key: string): Promise<void> {
    await this.memory.resetKey(key);
    await this.inRedis((redis) => redis.resetKey(key));
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    return (await this.inRedis((redis) => redis.get(key))) ?? (await this.memory.get(key));
  }

  /** Stops the memory store's reset timer (the Redis connection is closed by its owner). */
  shutdown(): void {
    this.memory.shutdown();
  }

  /** Runs work on Redis within the timeout; undefined when Redis is skipped or fails (the caller uses memory). */
  private async inRedis<T>(work: (redis: RedisStore) => Promise<T>): Promise<T | undefined> {
    const { health, limiter, timeoutMs } = this.settings;
    if (!health.shouldTryRedis() || !this.options) {
      health.recordFallback(limiter, 'unavailable');
      return undefined;
    }
    try {
      const result = await withinTimeout(this.loadScripts(this.options).then(() => work(this.redis)), timeoutMs);
      health.recordRedisUsed();
      return result;
    } catch (error) {
      this.scriptsLoaded = undefined;
      health.recordFallback(limiter, error instanceof RedisTimeoutError ? 'timeout' : 'error', error);
      return undefined;
    }
  }

  private loadScripts(options: Options): Promise<void> {
    this.scriptsLoaded ??= this.redis.init(options);
    return this.scriptsLoaded;
  }
}
