import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type RateLimitInfo } from 'express-rate-limit';
import { verifiedClaimsOf } from './auth-middleware';
import type { GatewayConfig } from './config';
import { InvalidTokenError, MissingTokenError, RateLimitedError, TokenExpiredError } from './gateway-errors';

/** The gateway's limiters and the stores they count in. */
export interface RateLimits {
  /** Every /api request, per client: the verified user id when signed in, else the IP. */
  perClient: RequestHandler;
  /** POST /api/auth/login per IP, far stricter: it slows password guessing. */
  login: RequestHandler;
  /**
   * Error middleware after authentication: a request refused with 401 still counts against its
   * IP's per-client limit (and is answered 429 past it), so clients sending bad tokens are
   * limited like everyone else instead of never reaching the limiter.
   */
  refusedAuthentication: ErrorRequestHandler;
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

  const isRefusedAuthentication = (error: unknown) =>
    error instanceof MissingTokenError || error instanceof InvalidTokenError || error instanceof TokenExpiredError;

  return {
    perClient,
    login: (req, res, next) => (req.method === 'POST' ? loginLimiter(req, res, next) : next()),
    refusedAuthentication: (error, req, res, next) => {
      if (!isRefusedAuthentication(error)) return next(error);
      // Under the limit the limiter calls next() and the 401 goes on; over it, next(RateLimitedError).
      void perClient(req, res, (limited?: unknown) => next(limited ?? error));
    },
    close: () => {
      perClientStore.shutdown();
      loginStore.shutdown();
    },
  };
}
