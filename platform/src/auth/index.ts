import { errors, jwtVerify, SignJWT } from 'jose';
import type { Role } from '../http/caller';

// One issuer and audience for every token, so a token minted for anything else is refused.
const ISSUER = 'microshop/user-service';
const AUDIENCE = 'microshop';
const ALGORITHM = 'HS256';

/** Claims the gateway forwards to services after verifying a token. */
export interface AccessClaims {
  userId: string;
  role: Role;
}

const keyOf = (secret: string) => new TextEncoder().encode(secret);

/** Signs an access token: user id in `sub`, role in `role`, expiring after ttlSeconds. */
export async function signAccessToken(claims: AccessClaims, secret: string, ttlSeconds: number): Promise<string> {
  return new SignJWT({ role: claims.role })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(keyOf(secret));
}

/** Why a token was refused; the gateway answers 401 for each. */
export type TokenProblem = 'expired' | 'invalid';

/** Verifies signature, algorithm (HS256 only, so `alg: none` fails), issuer, audience, expiry and claim shapes. */
export async function verifyAccessToken(
  token: string,
  secret: string,
): Promise<{ ok: true; claims: AccessClaims } | { ok: false; problem: TokenProblem }> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE });
    const role = payload.role;
    if (typeof payload.sub !== 'string' || (role !== 'customer' && role !== 'admin')) return { ok: false, problem: 'invalid' };
    return { ok: true, claims: { userId: payload.sub, role } };
  } catch (error) {
    return { ok: false, problem: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}
