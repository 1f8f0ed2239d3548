import { NotFoundError } from '@shop/platform/errors';
import type { UserDb } from '../data-access/database';
import { deleteUserRecordingEvents, storeNewPassword, updateUserName } from '../data-access/account-repository';
import { findUserById } from '../data-access/user-repository';
import { sessionsRevoked, userDeleted } from '../events/user-events';
import { hashPassword, verifyPassword, type ScryptSettings } from './password-hasher';
import { toPublicUser, type PublicUser } from './public-user';
import { WrongPassword } from './user-errors';

export interface AccountDeps {
  db: UserDb;
  scrypt: ScryptSettings;
}

/** Changes the signed-in user's profile (today: the name only). */
export async function updateProfile(db: UserDb, userId: string, changes: { name?: string | undefined }): Promise<PublicUser> {
  const user = changes.name === undefined ? await findUserById(db, userId) : await updateUserName(db, userId, changes.name.trim());
  if (!user) throw new NotFoundError('user');
  return toPublicUser(user);
}

/** The user's record, once the password confirms it is them (404 when gone, 401 when wrong). */
async function assertPassword(db: UserDb, userId: string, password: string) {
  const user = await findUserById(db, userId);
  if (!user) throw new NotFoundError('user');
  if (!(await verifyPassword(password, user.passwordHash))) throw new WrongPassword();
  return user;
}

/**
 * Changes the password after checking the current one. Business rule: every session ends:
 * all refresh tokens are revoked, and `user.sessions_revoked` makes the gateway refuse the
 * access tokens issued before now.
 */
export async function changePassword(deps: AccountDeps, userId: string, input: { currentPassword: string; newPassword: string }): Promise<void> {
  await assertPassword(deps.db, userId, input.currentPassword);
  const passwordHash = await hashPassword(input.newPassword, deps.scrypt);
  const now = new Date();
  await storeNewPassword(deps.db, { userId, passwordHash, now, event: sessionsRevoked(userId, now, 'password_changed') });
}

/**
 * Deletes the account after checking the password: the row goes (so the email can register
 * again, and the refresh tokens go with it); `user.deleted` lets the other services erase
 * personal data, `user.sessions_revoked` makes the gateway refuse the user's access tokens.
 */
export async function deleteAccount(deps: AccountDeps, userId: string, password: string): Promise<void> {
  await assertPassword(deps.db, userId, password);
  const now = new Date();
  const deleted = await deleteUserRecordingEvents(deps.db, userId, [userDeleted(userId, now), sessionsRevoked(userId, now, 'deleted')]);
  if (!deleted) throw new NotFoundError('user');
}
