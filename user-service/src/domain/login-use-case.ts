import { findUserByEmail } from '../data-access/user-repository';
import type { UserDb } from '../data-access/database';
import { hashPassword, verifyPassword, type ScryptSettings } from './password-hasher';
import { normaliseEmail } from './public-user';
import { issueTokens, type IssuedTokens, type TokenIssuer } from './session-tokens';
import { InvalidCredentials } from './user-errors';

export interface LoginDeps {
  db: UserDb;
  scrypt: ScryptSettings;
  issuer: TokenIssuer;
}

let dummyHash: Promise<string> | undefined;

/** Exchanges email and password for an access token and a refresh token (a new family); unknown email and wrong password look the same. */
export async function login(deps: LoginDeps, input: { email: string; password: string }): Promise<IssuedTokens> {
  const user = await findUserByEmail(deps.db, normaliseEmail(input.email));
  // Verify against a dummy hash for unknown emails too, so response time does not reveal which emails exist.
  dummyHash ??= hashPassword('not-a-real-password', deps.scrypt);
  const valid = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash));
  if (!user || !valid) throw new InvalidCredentials();
  return issueTokens(deps.db, deps.issuer, user, new Date());
}
