import type { Caller } from '@shop/platform/http';
import { decodeCursor, toPage } from '@shop/platform/data';
import { NotFoundError } from '@shop/platform/errors';
import type { UserDb } from '../data-access/database';
import { findUserById, listUsers } from '../data-access/user-repository';
import { assertAdmin, assertCanReadUser } from './user-access';
import { toPublicUser, type PublicUser } from './public-user';

/** One user, if the caller may read it (403 before 404, so ids of others are not probed). */
export async function getUser(db: UserDb, caller: Caller, id: string): Promise<PublicUser> {
  assertCanReadUser(caller, id);
  const user = await findUserById(db, id);
  if (!user) throw new NotFoundError('user');
  return toPublicUser(user);
}

/** A page of all users, newest first (admins only). */
export async function listAllUsers(db: UserDb, caller: Caller, query: { limit: number; cursor?: string | undefined }) {
  assertAdmin(caller);
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const { items, nextCursor } = toPage(await listUsers(db, query.limit + 1, after), query.limit);
  return { items: items.map(toPublicUser), nextCursor };
}
