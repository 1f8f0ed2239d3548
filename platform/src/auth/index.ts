export type { AccessClaims, TokenProblem, VerifiedClaims, VerifiedToken } from './access-token';
export { createAccessTokenSigner, signAccessToken } from './sign-access-token';
export { createAccessTokenVerifier, verifyAccessToken } from './verify-access-token';
