import { randomUUID } from 'node:crypto';
import type { Db } from '../data-access/database';
import { insertRefreshToken } from '../data-access/refresh-token-repository';
import { generateRefreshToken, hashRefreshToken } from './refresh-token';

/** What issuing tokens needs: a signer for access tokens and the two lifetimes. */
export interface TokenIssuer {
  /** Signs an access token for a user (platform/auth createAccessTokenSigner). */
  signToken: (claims: { userId: string; role: 'customer' | 'admin' }) => string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

/** What login and refresh answer. */
export interface IssuedTokens {
  accessToken: string;
  tokenType: 'Bearer';
  /** Access token lifetime, in seconds. */
  expiresIn: number;
  refreshToken: string;
  /** Refresh token lifetime, in seconds. */
  refreshExpiresIn: number;
}

/**
 * Issues an access token and a new refresh token of the given family (a new family for a
 * login). Only the refresh token's hash is stored.
 */
export async function issueTokens(
  db: Db,
  issuer: TokenIssuer,
  user: { id: string; role: 'customer' | 'admin' },
  now: Date,
  familyId: string = randomUUID(),
): Promise<IssuedTokens> {
  const refreshToken = generateRefreshToken();
  await insertRefreshToken(db, {
    userId: user.id,
    familyId,
    tokenHash: hashRefreshToken(refreshToken),
    expiresAt: new Date(now.getTime() + issuer.refreshTokenTtlSeconds * 1000),
  });
  return {
    accessToken: issuer.signToken({ userId: user.id, role: user.role }),
    tokenType: 'Bearer',
    expiresIn: issuer.accessTokenTtlSeconds,
    refreshToken,
    refreshExpiresIn: issuer.refreshTokenTtlSeconds,
  };
}
