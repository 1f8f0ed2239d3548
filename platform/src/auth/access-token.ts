import type { Role } from '../http/caller';

// One issuer and audience for every token, so a token minted for anything else is refused.
export const ISSUER = 'microshop/user-service';
export const AUDIENCE = 'microshop';
export const ALGORITHM = 'HS256';

/** Claims the gateway forwards to services after verifying a token. */
export interface AccessClaims {
  userId: string;
  role: Role;
}

/**
 * Claims of a verified token: the forwarded ones plus when it was issued, in ms since the epoch
 * (its `iat_ms` claim, else `iat` × 1000, else 0), so a revocation can refuse tokens issued
 * before a given instant (a password change: api-gateway's session revocations).
 */
export interface VerifiedClaims extends AccessClaims {
  issuedAtMs: number;
}

/** Why a token was refused; the gateway answers 401 for each. */
export type TokenProblem = 'expired' | 'invalid';

/** The outcome of verifying one token. */
export type VerifiedToken = { ok: true; claims: VerifiedClaims } | { ok: false; problem: TokenProblem };
