import { isUniqueViolation, keysetPage, sqlRows, type PageCursor } from '@shop/platform/data';
import type { Db, UserDb } from './database';
import { Prisma, type Role } from '../generated/prisma/client';

/** A user as the domain sees it. */
export interface UserRecord {
  id: string;
  name: string;
  email: string;
  passwordHash: string;
  role: Role;
  createdAt: Date;
  updatedAt: Date;
}

/** Thrown by createUser when the email is taken (the unique index decides, not a prior read). */
export class EmailAlreadyStored extends Error {}

/** Inserts a user; the email must already be normalised. */
export async function createUser(
  db: UserDb,
  data: { name: string; email: string; passwordHash: string; role?: Role },
): Promise<UserRecord> {
  try {
    return await db.user.create({ data });
  } catch (error) {
    if (isUniqueViolation(error, 'users_email_key')) throw new EmailAlreadyStored();
    throw error;
  }
}

export async function findUserById(db: Db, id: string): Promise<UserRecord | null> {
  // Every order looks its customer up here, and every GET /users/me: raw on the pool (sqlRows)
  // costs a fraction of a model query.
  const [row] = await sqlRows<UserRecord>(db, Prisma.sql`
    SELECT id, name, email, password_hash AS "passwordHash", role::text AS role, created_at AS "createdAt", updated_at AS "updatedAt"
      FROM users WHERE id = ${id}::uuid`);
  return row ?? null;
}

export async function findUserByEmail(db: UserDb, email: string): Promise<UserRecord | null> {
  return db.user.findUnique({ where: { email } });
}

/** Sets a user's role (the create-admin command). */
export async function setUserRole(db: UserDb, id: string, role: Role): Promise<UserRecord> {
  return db.user.update({ where: { id }, data: { role } });
}

/** One page of users, newest first, strictly after the cursor. */
export async function listUsers(db: UserDb, limit: number, after?: PageCursor): Promise<UserRecord[]> {
  const page = keysetPage(limit, after);
  return db.user.findMany({ where: page.where, orderBy: page.orderBy, take: page.take });
}
