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

/** Why a token was refused; the gateway answers 401 for each. */
export type TokenProblem = 'expired' | 'invalid';

/** The outcome of verifying one token. */
export type VerifiedToken = { ok: true; claims: AccessClaims } | { ok: false; problem: TokenProblem };
