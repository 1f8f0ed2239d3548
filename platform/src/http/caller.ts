import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { UnauthorizedError } from '../errors';

/**
 * Headers that say who is calling a service. The gateway deletes every one of them from client
 * requests and sets the user ones itself after verifying a JWT.
 */
export const IDENTITY_HEADERS = {
  /** The gateway's credential: "forwarded by the gateway for the user named beside it". */
  gatewayToken: 'x-gateway-token',
  /** A service's credential: "another service calling on its own behalf". The gateway never holds it. */
  serviceToken: 'x-service-token',
  userId: 'x-user-id',
  userRole: 'x-user-role',
} as const;

export type Role = 'customer' | 'admin';
const ROLES: ReadonlySet<unknown> = new Set<Role>(['customer', 'admin']);

/** True for a role the system knows. */
export const isRole = (value: unknown): value is Role => ROLES.has(value);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in its canonical text form (user ids). */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** Who is calling: a user (forwarded by the gateway) or another service (service token). */
export type Caller = { kind: 'user'; userId: string; role: Role } | { kind: 'service' };

/** The secrets a service recognises its callers by. */
export interface CallerCredentials {
  /** Presented by the gateway, always with a user's id and role. */
  gatewayToken: string;
  /** Presented by other services; unset means this service accepts no service callers. */
  serviceToken?: string | undefined;
}

/** Constant-time comparison of a presented token with the expected one. */
export function tokensMatch(presented: string | undefined, expected: string | undefined): boolean {
  if (presented === undefined || expected === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  // timingSafeEqual needs equal lengths; comparing b with itself keeps the timing uniform.
  return a.length === b.length ? timingSafeEqual(a, b) : !timingSafeEqual(b, b);
}

/**
 * The caller of a request, or undefined when it proves nobody (no credential, or a wrong one).
 * Each credential means one thing only, so a header that goes missing on the way can never turn
 * one kind of caller into another: the gateway's token comes with a user or the request is
 * refused (401), and a service's token comes without one or the request is refused.
 */
export function callerOf(req: Request, credentials: CallerCredentials): Caller | undefined {
  const gatewayToken = req.get(IDENTITY_HEADERS.gatewayToken);
  const serviceToken = req.get(IDENTITY_HEADERS.serviceToken);
  const userId = req.get(IDENTITY_HEADERS.userId);
  const role = req.get(IDENTITY_HEADERS.userRole);

  if (tokensMatch(gatewayToken, credentials.gatewayToken)) {
    if (serviceToken !== undefined || !isUuid(userId) || !isRole(role)) {
      throw new UnauthorizedError('The forwarded identity is missing or malformed');
    }
    return { kind: 'user', userId, role };
  }
  if (tokensMatch(serviceToken, credentials.serviceToken)) {
    if (gatewayToken !== undefined || userId !== undefined || role !== undefined) {
      throw new UnauthorizedError('A service call carries no user identity');
    }
    return { kind: 'service' };
  }
  return undefined;
}
