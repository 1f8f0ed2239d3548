import { createSigner } from 'fast-jwt';
import { ALGORITHM, AUDIENCE, ISSUER, type AccessClaims } from './access-token';

/**
 * A signer bound to one secret and lifetime: user id in `sub`, role in `role`, issuer, audience,
 * issued-at and expiry. fast-jwt on both sides (it verifies too, see verify-access-token.ts), so
 * what one side writes is what the other reads. Build it once, call it per login.
 */
export function createAccessTokenSigner(secret: string, ttlSeconds: number): (claims: AccessClaims) => string {
  const sign = createSigner({ key: secret, algorithm: ALGORITHM, iss: ISSUER, aud: AUDIENCE, expiresIn: ttlSeconds * 1000 });
  return (claims) => sign({ role: claims.role, sub: claims.userId });
}

/** One-off signing (tests, scripts); logins build a signer once with createAccessTokenSigner. */
export function signAccessToken(claims: AccessClaims, secret: string, ttlSeconds: number): string {
  return createAccessTokenSigner(secret, ttlSeconds)(claims);
}
