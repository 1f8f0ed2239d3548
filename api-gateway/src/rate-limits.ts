import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type RateLimitInfo, type Store } from 'express-rate-limit';
import { getLogger } from '@shop/platform/logging';
import { verifiedClaimsOf } from './auth-middleware';
import type { GatewayConfig } from './config';
import { InvalidTokenError, MissingTokenError, RateLimitedError, TokenExpiredError, TokenRevokedError } from './gateway-errors';
import { showActiveStore } from './rate-limit-metrics';
import { connectRateLimitRedis } from './rate-limit-redis-client';
import { RateLimitStoreHealth } from './rate-limit-store-health';
import { SharedRateLimitStore } from './shared-rate-limit-store';

const log = getLogger('rate-limits');

/** After a Redis timeout or error, how long counts stay in memory before Redis is tried again, in ms. */
const REDIS_RETRY_AFTER_MS = 1000;

/** The gateway's limiters and the stores they count in. */
export interface RateLimits {
  /** Every /api request, per client: the verified user id when signed in, else the IP. */
  perClient: RequestHandler;
  /**
   * Password checks per IP, far stricter: it slows password guessing. Mount on each path whose
   * requests check a password (login, password change: POST); a wrong current password counts
   * like a failed login, since every attempt counts.
   */
  login: RequestHandler;
  /** The same login limit for DELETE of exactly the mounted path (account deletion checks the password). */
  loginOnDelete: RequestHandler;
  /** POST /api/auth/refresh per IP: its own limit (REFRESH_RATE_LIMIT_MAX). */
  refresh: RequestHandler;
  /**
   * Error middleware after authentication: a request refused with 401 still counts against its
   * IP's per-client limit (and is answered 429 past it), so clients sending bad tokens are
   * limited like everyone else instead of never reaching the limiter.
   */
  refusedAuthentication: ErrorRequestHandler;
  /** Resolves once the shared store is connected, or gave up waiting (the limiters then count in memory). */
  ready: Promise<void>;
  /** Stops the stores' reset timers and closes the Redis connection (shutdown). */
  close: () => Promise<void>;
}

/** What the limiters read from the gateway's config (a plain object will do, e.g. in a bench). */
export type RateLimitConfig = Pick<
  GatewayConfig,
  | 'RATE_LIMIT_WINDOW_MS'
  | 'RATE_LIMIT_MAX'
  | 'LOGIN_RATE_LIMIT_MAX'
  | 'REFRESH_RATE_LIMIT_MAX'
  | 'REDIS_URL'
  | 'RATE_LIMIT_KEY_PREFIX'
  | 'RATE_LIMIT_REDIS_TIMEOUT_MS'
>;

/** One store per limiter, and how to wait for and release what they share. */
interface LimiterStores {
  storeFor: (limiter: string) => Store & { shutdown?: () => void };
  ready: Promise<void>;
  close: () => Promise<void>;
}

/** This process's memory only: right for a single gateway, or when no Redis is configured. */
function memoryStores(): LimiterStores {
  showActiveStore('memory');
  return { storeFor: () => new MemoryStore(), ready: Promise.resolve(), close: async () => undefined };
}

/** Counts in the Redis at redisUrl, shared by every gateway with the same key prefix; memory while Redis is unreachable. */
function sharedStores(config: RateLimitConfig, redisUrl: string): LimiterStores {
  const redis = connectRateLimitRedis(redisUrl, { connectTimeoutMs: 1000, log });
  const health = new RateLimitStoreHealth(redis.isReady, REDIS_RETRY_AFTER_MS, log);
  return {
    storeFor: (limiter) =>
      new SharedRateLimitStore({
        limiter,
        prefix: `${config.RATE_LIMIT_KEY_PREFIX}${limiter}:`,
        sendCommand: redis.sendCommand,
        timeoutMs: config.RATE_LIMIT_REDIS_TIMEOUT_MS,
        health,
      }),
    ready: redis.ready,
    close: redis.close,
  };
}

const clientIp = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');

function retryAfterSeconds(req: Request): number {
  const info = (req as Request & { rateLimit?: RateLimitInfo }).rateLimit;
  const resetMs = info?.resetTime ? info.resetTime.getTime() - Date.now() : 1000;
  return Math.max(1, Math.ceil(resetMs / 1000));
}

function rejectOverLimit(req: Request, _res: Response, next: NextFunction): void {
  next(new RateLimitedError(retryAfterSeconds(req)));
}

/**
 * Builds the limiters. With REDIS_URL they count in Redis, so each limit holds across every
 * gateway replica together; without it, in this process's memory (one gateway only: with N
 * replicas each would allow the full limit). While Redis is unreachable or slow, both limiters
 * count per replica in memory (see SharedRateLimitStore).
 *
 * Login falls back like the rest rather than failing closed: during an outage a password
 * guesser gets at most LOGIN_RATE_LIMIT_MAX per window per gateway replica (a small, known
 * multiple of the limit), whereas failing closed would turn any Redis outage into nobody being
 * able to sign in, and would let anyone who can overload Redis lock every user out.
 */
export function createRateLimits(config: RateLimitConfig): RateLimits {
  const stores = config.REDIS_URL ? sharedStores(config, config.REDIS_URL) : memoryStores();
  const perClientStore = stores.storeFor('per-client');
  const loginStore = stores.storeFor('login');
  const refreshStore = stores.storeFor('refresh');
  const common = {
    windowMs: config.RATE_LIMIT_WINDOW_MS,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: rejectOverLimit,
  } as const;

  const perClient = rateLimit({
    ...common,
    identifier: 'per-client',
    limit: config.RATE_LIMIT_MAX,
    store: perClientStore,
    keyGenerator: (req, res) => {
      const claims = verifiedClaimsOf(res);
      return claims ? `user:${claims.userId}` : `ip:${clientIp(req)}`;
    },
  });
  const loginLimiter = rateLimit({
    ...common,
    identifier: 'login',
    limit: config.LOGIN_RATE_LIMIT_MAX,
    store: loginStore,
    keyGenerator: (req) => `ip:${clientIp(req)}`,
  });

  const refreshLimiter = rateLimit({
    ...common,
    identifier: 'refresh',
    limit: config.REFRESH_RATE_LIMIT_MAX,
    store: refreshStore,
    keyGenerator: (req) => `ip:${clientIp(req)}`,
  });

  const isRefusedAuthentication = (error: unknown) =>
    error instanceof MissingTokenError || error instanceof InvalidTokenError || error instanceof TokenExpiredError || error instanceof TokenRevokedError;

  return {
    perClient,
    login: (req, res, next) => (req.method === 'POST' ? loginLimiter(req, res, next) : next()),
    loginOnDelete: (req, res, next) => (req.method === 'DELETE' && req.path === '/' ? loginLimiter(req, res, next) : next()),
    refresh: (req, res, next) => (req.method === 'POST' ? refreshLimiter(req, res, next) : next()),
    refusedAuthentication: (error, req, res, next) => {
      if (!isRefusedAuthentication(error)) return next(error);
      // Under the limit the limiter calls next() and the 401 goes on; over it, next(RateLimitedError).
      void perClient(req, res, (limited?: unknown) => next(limited ?? error));
    },
    ready: stores.ready,
    close: async () => {
      perClientStore.shutdown?.();
      loginStore.shutdown?.();
      refreshStore.shutdown?.();
      await stores.close();
    },
  };
}
