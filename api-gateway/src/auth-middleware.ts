import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createAccessTokenVerifier, type AccessClaims, type VerifiedClaims } from '@shop/platform/auth';
import { InvalidTokenError, MissingTokenError, TokenExpiredError, TokenRevokedError } from './gateway-errors';
import type { Authentication } from './routing-table';

const CLAIMS = 'verifiedClaims';
const BEARER = /^Bearer +([^\s]+) *$/i;

/** The claims of the request's verified JWT; undefined on public routes. */
export function verifiedClaimsOf(res: Response): AccessClaims | undefined {
  return res.locals[CLAIMS] as AccessClaims | undefined;
}

export interface AuthOptions {
  jwtSecret: string;
  /** What a route needs of credentials (routing-table.ts authenticationFor). */
  authenticationFor: (method: string, path: string) => Authentication;
  /** True when a verified token was revoked since it was issued (session-revocations.ts); checked on every request, cached tokens too. */
  isRevoked?: (claims: VerifiedClaims) => boolean;
}

/**
 * Requires a valid Bearer JWT on every route it guards except the public ones (register, login,
 * browsing products), and keeps the verified claims for the proxy (identity headers) and the
 * rate limiter (per-user key). On routes where a token is optional, one that is sent must be
 * valid: a client that thinks it is signed in learns otherwise. A token issued before its user's
 * password change or deletion is refused as revoked.
 */
export function authenticate(options: AuthOptions): RequestHandler {
  const verifyAccessToken = createAccessTokenVerifier(options.jwtSecret);
  return (req: Request, res: Response, next: NextFunction) => {
    const authentication = options.authenticationFor(req.method, `${req.baseUrl}${req.path}`);
    if (authentication === 'none') return next();
    const token = BEARER.exec(req.get('authorization') ?? '')?.[1];
    if (!token && authentication === 'optional' && req.get('authorization') === undefined) return next();
    if (!token) throw new MissingTokenError();
    const result = verifyAccessToken(token);
    if (!result.ok) throw result.problem === 'expired' ? new TokenExpiredError() : new InvalidTokenError();
    if (options.isRevoked?.(result.claims)) throw new TokenRevokedError();
    res.locals[CLAIMS] = result.claims;
    next();
  };
}
