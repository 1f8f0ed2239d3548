import { getLogger } from '@shop/platform/logging';
import type { UserDb } from '../data-access/database';
import { revokeFamily, rotateRefreshToken } from '../data-access/refresh-token-repository';
import { findUserById } from '../data-access/user-repository';
import { hashRefreshToken } from './refresh-token';
import { issueTokens, type IssuedTokens, type TokenIssuer } from './session-tokens';
import { InvalidRefreshToken } from './user-errors';

const log = getLogger('refresh');

/**
 * Rotates a refresh token: the presented one stops working and a new one of the same family
 * comes back with a new access token. Business rule: presenting a token that was already
 * rotated means it was copied (the client or a thief holds a stale one), so the whole family
 * is revoked, the newest token included, and the caller must sign in again.
 */
export async function refreshSession(deps: { db: UserDb; issuer: TokenIssuer }, refreshToken: string): Promise<IssuedTokens> {
  const now = new Date();
  const result = await deps.db.$transaction(async (tx) => {
    const rotation = await rotateRefreshToken(tx, hashRefreshToken(refreshToken), now);
    if (rotation.outcome === 'reused') {
      await revokeFamily(tx, rotation.familyId, now);
      return rotation;
    }
    if (rotation.outcome === 'invalid') return rotation;
    const user = await findUserById(tx, rotation.userId);
    if (!user) return { outcome: 'invalid' as const };
    return { outcome: 'issued' as const, tokens: await issueTokens(tx, deps.issuer, user, now, rotation.familyId) };
  });
  if (result.outcome === 'issued') return result.tokens;
  if (result.outcome === 'reused') log.warn('Refresh token reused: its family is revoked', { userId: result.userId, familyId: result.familyId });
  throw new InvalidRefreshToken();
}
