import type { Logger } from '@shop/platform/logging';
import type { RedisReply } from 'rate-limit-redis';
import { createClient } from 'redis';

/** The gateway's connection to the Redis its rate limits share. */
export interface RateLimitRedis {
  /** Sends one command; rejects at once while disconnected (no offline queue: the limiter falls back instead). */
  sendCommand: (...args: string[]) => Promise<RedisReply>;
  /** Whether the connection is up and ready for commands. */
  isReady: () => boolean;
  /** Resolves once connected, or after connectTimeoutMs if Redis cannot be reached (the gateway starts anyway). */
  ready: Promise<void>;
  /** Closes the connection and stops reconnecting (shutdown). */
  close: () => Promise<void>;
}

/** Longest wait before the next reconnection attempt, in ms: Redis is used again at most this long after it is back. */
const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * Connects to Redis at url without blocking anyone on it: commands are not queued while
 * disconnected, node-redis reconnects by itself (every 100 ms growing to 1 s), and its error
 * events (one per failed reconnection) are left to the limiters' health, which logs on change.
 */
export function connectRateLimitRedis(url: string, options: { connectTimeoutMs: number; log: Logger }): RateLimitRedis {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs,
      reconnectStrategy: (retries) => Math.min((retries + 1) * 100, MAX_RECONNECT_DELAY_MS),
    },
  });
  // Without a listener an error event would end the process; each one is already a fallback count.
  client.on('error', (error: unknown) => {
    options.log.debug('Redis connection error', { error: error instanceof Error ? error.message : String(error) });
  });
  let closing = false;
  // Pending while node-redis retries; rejects only when the client is closed before it ever connected.
  const connected = client.connect().then(
    () => undefined,
    (error: unknown) => {
      if (!closing) options.log.warn('Could not connect to Redis', { error: error instanceof Error ? error.message : String(error) });
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const ready = Promise.race([connected, new Promise<void>((resolve) => (timer = setTimeout(resolve, options.connectTimeoutMs)))]).finally(() =>
    clearTimeout(timer),
  );
  return {
    sendCommand: (...args) => client.sendCommand<RedisReply>(args),
    isReady: () => client.isReady,
    ready,
    close: async () => {
      closing = true;
      clearTimeout(timer);
      if (client.isOpen) client.destroy();
    },
  };
}
