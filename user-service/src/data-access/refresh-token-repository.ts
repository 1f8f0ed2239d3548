import { randomUUID } from 'node:crypto';
import type { Db } from './database';

/** A new refresh token row: the hash only, never the token. */
export interface NewRefreshToken {
  userId: string;
  familyId: string;
  tokenHash: Uint8Array<ArrayBuffer>;
  expiresAt: Date;
}

/** The outcome of trying to rotate a presented refresh token. */
export type Rotation =
  | { outcome: 'rotated'; userId: string; familyId: string }
  | { outcome: 'reused'; userId: string; familyId: string }
  | { outcome: 'invalid' };

export async function insertRefreshToken(db: Db, token: NewRefreshToken): Promise<void> {
  await db.refreshToken.create({ data: { id: randomUUID(), ...token } });
}

/**
 * Marks a live token rotated, in one conditional UPDATE (two concurrent refreshes with the same
 * token: one wins, the other sees a rotated token, i.e. reuse). A token that is unknown,
 * expired or revoked is invalid; one already rotated is reused.
 */
export async function rotateRefreshToken(db: Db, tokenHash: Uint8Array<ArrayBuffer>, now: Date): Promise<Rotation> {
  const rotated = await db.$queryRaw<Array<{ user_id: string; family_id: string }>>`
    UPDATE refresh_tokens SET rotated_at = ${now}
    WHERE token_hash = ${tokenHash} AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > ${now}
    RETURNING user_id::text, family_id::text`;
  if (rotated[0]) return { outcome: 'rotated', userId: rotated[0].user_id, familyId: rotated[0].family_id };
  const stale = await db.refreshToken.findUnique({ where: { tokenHash }, select: { userId: true, familyId: true, rotatedAt: true, revokedAt: true } });
  if (stale?.rotatedAt && !stale.revokedAt) return { outcome: 'reused', userId: stale.userId, familyId: stale.familyId };
  return { outcome: 'invalid' };
}

/** The family a token belongs to, if it is the given user's. */
export async function findFamilyOfToken(db: Db, tokenHash: Uint8Array<ArrayBuffer>, userId: string): Promise<string | undefined> {
  const row = await db.refreshToken.findUnique({ where: { tokenHash }, select: { userId: true, familyId: true } });
  return row?.userId === userId ? row.familyId : undefined;
}

/** Revokes every token of a family (reuse detected, or sign-out). */
export async function revokeFamily(db: Db, familyId: string, now: Date): Promise<void> {
  await db.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: now } });
}

/** Revokes every refresh token of a user (password changed). */
export async function revokeAllOfUser(db: Db, userId: string, now: Date): Promise<void> {
  await db.refreshToken.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } });
}
