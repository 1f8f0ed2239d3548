import type { EventEnvelope } from '@shop/platform/messaging';
import { outboxInsertSql } from '@shop/platform/outbox';
import type { Db, UserDb } from './database';
import { revokeAllOfUser } from './refresh-token-repository';
import type { UserRecord } from './user-repository';

/** Sets a user's display name; null when the user no longer exists. */
export async function updateUserName(db: Db, id: string, name: string): Promise<UserRecord | null> {
  const updated = await db.user.updateManyAndReturn({ where: { id }, data: { name } });
  return updated[0] ?? null;
}

/**
 * Stores a new password hash, revokes every refresh token of the user and records the
 * revocation event, in one transaction: all of it happens, or none.
 */
export async function storeNewPassword(
  db: UserDb,
  change: { userId: string; passwordHash: string; now: Date; event: EventEnvelope },
): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: change.userId }, data: { passwordHash: change.passwordHash } });
    await revokeAllOfUser(tx, change.userId, change.now);
    await tx.$queryRaw`${outboxInsertSql(change.event)}`;
  });
}

/**
 * Deletes the user row (its refresh tokens go with it, ON DELETE CASCADE, and its email is free
 * again) and records the events, in one transaction. False when the row was already gone.
 */
export async function deleteUserRecordingEvents(db: UserDb, userId: string, events: EventEnvelope[]): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.user.deleteMany({ where: { id: userId } });
    if (count === 0) return false;
    for (const event of events) await tx.$queryRaw`${outboxInsertSql(event)}`;
    return true;
  });
}
