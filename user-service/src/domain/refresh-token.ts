import { createHash, randomBytes } from 'node:crypto';

/** A new opaque refresh token: 256 random bits, base64url (43 characters). */
export function generateRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What the database keeps of a refresh token: its SHA-256. The token is 256 random bits, so a
 * fast hash is enough (nothing to brute-force); a stolen table yields no usable token.
 */
export function hashRefreshToken(token: string): Uint8Array<ArrayBuffer> {
  return createHash('sha256').update(token, 'utf8').digest();
}
