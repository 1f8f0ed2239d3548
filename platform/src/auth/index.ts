export type { AccessClaims, TokenProblem, VerifiedToken } from './access-token';
export { createAccessTokenSigner, signAccessToken } from './sign-access-token';
export { createAccessTokenVerifier, verifyAccessToken } from './verify-access-token';
