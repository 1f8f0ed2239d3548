import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createAccessTokenVerifier, type AccessClaims } from '@shop/platform/auth';
import { InvalidTokenError, MissingTokenError, TokenExpiredError } from './gateway-errors';

const CLAIMS = 'verifiedClaims';
const BEARER = /^Bearer +([^\s]+) *$/i;

/** The claims of the request's verified JWT; undefined on public routes. */
export function verifiedClaimsOf(res: Response): AccessClaims | undefined {
  return res.locals[CLAIMS] as AccessClaims | undefined;
}

export interface AuthOptions {
  jwtSecret: string;
  /** True for routes proxied without a JWT (register, login). */
  isPublic: (method: string, path: string) => boolean;
}

/**
 * Requires a valid Bearer JWT on every route it guards except the public ones, and keeps the
 * verified claims for the proxy (identity headers) and the rate limiter (per-user key).
 */
export function authenticate(options: AuthOptions): RequestHandler {
  const verifyAccessToken = createAccessTokenVerifier(options.jwtSecret);
  return (req: Request, res: Response, next: NextFunction) => {
    if (options.isPublic(req.method, `${req.baseUrl}${req.path}`)) return next();
    const token = BEARER.exec(req.get('authorization') ?? '')?.[1];
    if (!token) throw new MissingTokenError();
    const result = verifyAccessToken(token);
    if (!result.ok) throw result.problem === 'expired' ? new TokenExpiredError() : new InvalidTokenError();
    res.locals[CLAIMS] = result.claims;
    next();
  };
}
