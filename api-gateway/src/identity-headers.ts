import type { NextFunction, Request, Response } from 'express';
import type { AccessClaims } from '@shop/platform/auth';
import { IDENTITY_HEADERS } from '@shop/platform/http';

const IDENTITY_HEADER_NAMES = Object.values(IDENTITY_HEADERS);

/**
 * Deletes x-internal-token, x-user-id and x-user-role from every client request: only the
 * gateway may set them, after verifying a JWT (see setIdentityHeaders).
 */
export function stripIdentityHeaders(req: Request, _res: Response, next: NextFunction): void {
  for (const name of IDENTITY_HEADER_NAMES) delete req.headers[name];
  next();
}

/** Anything whose headers can be set: the proxy's outgoing request. */
interface HeaderTarget {
  setHeader(name: string, value: string): unknown;
  removeHeader(name: string): void;
}

/** Sets the verified identity and the internal token on an upstream request, or removes all three. */
export function setIdentityHeaders(target: HeaderTarget, claims: AccessClaims | undefined, internalToken: string): void {
  if (!claims) {
    for (const name of IDENTITY_HEADER_NAMES) target.removeHeader(name);
    return;
  }
  target.setHeader(IDENTITY_HEADERS.userId, claims.userId);
  target.setHeader(IDENTITY_HEADERS.userRole, claims.role);
  target.setHeader(IDENTITY_HEADERS.internalToken, internalToken);
}
