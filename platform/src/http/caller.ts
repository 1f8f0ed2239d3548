import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

/** Headers the gateway sets after verifying a JWT; it strips them from every client request. */
export const IDENTITY_HEADERS = {
  internalToken: 'x-internal-token',
  userId: 'x-user-id',
  userRole: 'x-user-role',
} as const;

export type Role = 'customer' | 'admin';

/** Who is calling: a user (forwarded by the gateway) or another service (internal token only). */
export type Caller = { kind: 'user'; userId: string; role: Role } | { kind: 'service' };

/** Constant-time comparison of a presented token with the expected one. */
export function tokensMatch(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  // timingSafeEqual needs equal lengths; comparing b with itself keeps the timing uniform.
  return a.length === b.length ? timingSafeEqual(a, b) : !timingSafeEqual(b, b);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The caller of a request, or undefined when it carries no valid internal token. Identity
 * headers are believed only together with the internal token, which only the gateway and the
 * services hold, so a client reaching a service directly cannot claim to be someone else.
 */
export function callerOf(req: Request, internalToken: string): Caller | undefined {
  if (!tokensMatch(req.get(IDENTITY_HEADERS.internalToken), internalToken)) return undefined;
  const userId = req.get(IDENTITY_HEADERS.userId);
  const role = req.get(IDENTITY_HEADERS.userRole);
  if (userId === undefined) return { kind: 'service' };
  if (!UUID.test(userId) || (role !== 'customer' && role !== 'admin')) return undefined;
  return { kind: 'user', userId, role };
}
