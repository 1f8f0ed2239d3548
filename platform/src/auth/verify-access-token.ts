import { createVerifier, TokenError } from 'fast-jwt';
import { isRole, isUuid } from '../http/caller';
import { ALGORITHM, AUDIENCE, ISSUER, type VerifiedToken } from './access-token';
import { VerifiedTokenCache } from './verified-token-cache';

/** Distinct tokens remembered per verifier (a few MB at most). */
const CACHED_TOKENS = 10_000;

/**
 * A synchronous verifier bound to one secret: HS256 only (so `alg: none`, RS256 and the other
 * HS sizes fail), signature compared in constant time, then nbf, exp, iss and aud. Synchronous
 * node:crypto HMAC on purpose: WebCrypto (jose) queues every verification as a thread-pool job,
 * which cost the gateway ~12 % of its CPU per proxied request. `sub` must be a UUID and `role`
 * customer or admin, or the token is invalid. fast-jwt (nearform) rather than
 * hand-written checks, so the HMAC, the constant-time comparison and the claim checks stay a
 * maintained library's. Build it once, call it per request.
 */
export function createAccessTokenVerifier(secret: string): (token: string) => VerifiedToken {
  const verify = createVerifier({
    key: secret,
    algorithms: [ALGORITHM],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
    // fast-jwt skips the iss/aud/exp checks when the claim is absent; a token must carry them all.
    requiredClaims: ['iss', 'aud', 'exp', 'sub'],
  });
  const cache = new VerifiedTokenCache(CACHED_TOKENS);

  return (token) => {
    const now = Date.now();
    const cached = cache.get(token, now);
    if (cached) return { ok: true, claims: cached };
    let payload: Record<string, unknown>;
    try {
      payload = verify(token) as Record<string, unknown>;
    } catch (error) {
      const expired = error instanceof TokenError && error.code === TokenError.codes.expired;
      return { ok: false, problem: expired ? 'expired' : 'invalid' };
    }
    const { sub, role, exp, iat, iat_ms: iatMs } = payload;
    // Claims become headers and database keys downstream: only the shapes user-service issues pass.
    if (!isUuid(sub) || !isRole(role)) return { ok: false, problem: 'invalid' };
    const issuedAtMs = Number.isFinite(iatMs) ? Number(iatMs) : Number.isFinite(iat) ? Number(iat) * 1000 : 0;
    const claims = Object.freeze({ userId: sub, role, issuedAtMs });
    // exp is a number here: required, and fast-jwt refuses any other type.
    cache.set(token, claims, Number(exp) * 1000);
    return { ok: true, claims };
  };
}

/** One-off verification (tests, scripts); request paths build a verifier once with createAccessTokenVerifier. */
export function verifyAccessToken(token: string, secret: string): VerifiedToken {
  return createAccessTokenVerifier(secret)(token);
}
