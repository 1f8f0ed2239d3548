import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createAccessTokenVerifier, type AccessClaims } from '@shop/platform/auth';
import { InvalidTokenError, MissingTokenError, TokenExpiredError } from './gateway-errors';
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
}

/**
 * Requires a valid Bearer JWT on every route it guards except the public ones (register, login,
 * browsing products), and keeps the verified claims for the proxy (identity headers) and the
 * rate limiter (per-user key). On routes where a token is optional, one that is sent must be
 * valid: a client that thinks it is signed in learns otherwise.
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
    res.locals[CLAIMS] = result.claims;
    next();
  };
}
