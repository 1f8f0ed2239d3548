import type { Caller } from '@shop/platform/http';
import { ForbiddenError } from '@shop/platform/errors';

// Business rule: users read their own record; admins and other services read any.
/** Throws 403 unless the caller may read the user with this id. */
export function assertCanReadUser(caller: Caller, userId: string): void {
  if (caller.kind === 'service' || caller.role === 'admin' || caller.userId === userId) return;
  throw new ForbiddenError('You may only read your own user');
}

/** Throws 403 unless the caller is an admin user. */
export function assertAdmin(caller: Caller): void {
  if (caller.kind === 'user' && caller.role === 'admin') return;
  throw new ForbiddenError('Admins only');
}
