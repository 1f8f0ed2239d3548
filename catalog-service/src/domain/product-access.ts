import { ForbiddenError } from '@shop/platform/errors';
import type { Caller } from '@shop/platform/http';

// Business rules of who may do what with the catalog: anyone browses active products; admins
// manage products and see inactive ones; only services read the snapshot.

/** True for a signed-in admin; anonymous visitors, customers and services are not. */
export const isAdmin = (caller: Caller | undefined): boolean => caller?.kind === 'user' && caller.role === 'admin';

/** Throws 403 unless the caller is an admin user. */
export function assertAdmin(caller: Caller): void {
  if (!isAdmin(caller)) throw new ForbiddenError('Admins only');
}

/** Throws 403 unless the caller is another service (x-service-token), users and admins included. */
export function assertServiceCaller(caller: Caller): void {
  if (caller.kind !== 'service') throw new ForbiddenError('This route is for services');
}
