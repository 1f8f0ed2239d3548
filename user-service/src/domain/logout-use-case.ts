import type { UserDb } from '../data-access/database';
import { findFamilyOfToken, revokeFamily } from '../data-access/refresh-token-repository';
import { hashRefreshToken } from './refresh-token';

/**
 * Signs out one session: revokes the family of the given refresh token. Idempotent, and a
 * token that is unknown or someone else's changes nothing (no one signs out another user).
 */
export async function logout(db: UserDb, userId: string, refreshToken: string): Promise<void> {
  const familyId = await findFamilyOfToken(db, hashRefreshToken(refreshToken), userId);
  if (familyId) await revokeFamily(db, familyId, new Date());
}
