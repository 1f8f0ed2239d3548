import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type RateLimitInfo } from 'express-rate-limit';
import { verifiedClaimsOf } from './auth-middleware';
import type { GatewayConfig } from './config';
import { RateLimitedError } from './gateway-errors';

/** The gateway's limiters and the stores they count in. */
export interface RateLimits {
  /** Every /api request, per client: the verified user id when signed in, else the IP. */
  perClient: RequestHandler;
  /** POST /api/auth/login per IP, far stricter: it slows password guessing. */
  login: RequestHandler;
  /** Stops the stores' reset timers (shutdown). */
  close: () => void;
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
 * Builds both limiters. Their counters live in this process's memory, which is right for one
 * gateway replica only: with several replicas each would allow the full limit, so a shared
 * store (rate-limit-redis on the cluster's Redis) must replace MemoryStore before scaling out.
 */
export function createRateLimits(config: GatewayConfig): RateLimits {
  const perClientStore = new MemoryStore();
  const loginStore = new MemoryStore();
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

  return {
    perClient,
    login: (req, res, next) => (req.method === 'POST' ? loginLimiter(req, res, next) : next()),
    close: () => {
      perClientStore.shutdown();
      loginStore.shutdown();
    },
  };
}
