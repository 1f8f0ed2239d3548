import { createSigner } from 'fast-jwt';
import { ALGORITHM, AUDIENCE, ISSUER, type AccessClaims } from './access-token';

/**
 * A signer bound to one secret and lifetime: user id in `sub`, role in `role`, issuer, audience,
 * issued-at and expiry, and `iat_ms` (issued-at in ms: `iat` has whole seconds, too coarse to
 * tell a token issued just before a password change from one issued just after it). fast-jwt on both sides (it verifies too, see verify-access-token.ts), so
 * what one side writes is what the other reads. Build it once, call it per login.
 */
export function createAccessTokenSigner(secret: string, ttlSeconds: number): (claims: AccessClaims) => string {
  const sign = createSigner({ key: secret, algorithm: ALGORITHM, iss: ISSUER, aud: AUDIENCE, expiresIn: ttlSeconds * 1000 });
  return (claims) => {
    const nowMs = Date.now();
    // fast-jwt derives iat (floored to seconds) and exp from the iat given here.
    return sign({ role: claims.role, sub: claims.userId, iat: nowMs / 1000, iat_ms: nowMs });
  };
}

/** One-off signing (tests, scripts); logins build a signer once with createAccessTokenSigner. */
export function signAccessToken(claims: AccessClaims, secret: string, ttlSeconds: number): string {
  return createAccessTokenSigner(secret, ttlSeconds)(claims);
}
