import { SignJWT } from 'jose';
import { ALGORITHM, AUDIENCE, ISSUER, type AccessClaims } from './access-token';

/** Signs an access token: user id in `sub`, role in `role`, expiring after ttlSeconds. */
export async function signAccessToken(claims: AccessClaims, secret: string, ttlSeconds: number): Promise<string> {
  return new SignJWT({ role: claims.role })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(secret));
}
