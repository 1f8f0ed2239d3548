import { findUserByEmail } from '../data-access/user-repository';
import type { UserDb } from '../data-access/database';
import { hashPassword, verifyPassword, type ScryptSettings } from './password-hasher';
import { normaliseEmail } from './public-user';
import { InvalidCredentials } from './user-errors';

export interface LoginDeps {
  db: UserDb;
  scrypt: ScryptSettings;
  /** Signs an access token for a user (platform/auth createAccessTokenSigner). */
  signToken: (claims: { userId: string; role: 'customer' | 'admin' }) => string;
  tokenTtlSeconds: number;
}

let dummyHash: Promise<string> | undefined;

/** Exchanges email and password for a bearer token; unknown email and wrong password look the same. */
export async function login(deps: LoginDeps, input: { email: string; password: string }) {
  const user = await findUserByEmail(deps.db, normaliseEmail(input.email));
  // Verify against a dummy hash for unknown emails too, so response time does not reveal which emails exist.
  dummyHash ??= hashPassword('not-a-real-password', deps.scrypt);
  const valid = await verifyPassword(input.password, user?.passwordHash ?? (await dummyHash));
  if (!user || !valid) throw new InvalidCredentials();
  const accessToken = deps.signToken({ userId: user.id, role: user.role });
  return { accessToken, tokenType: 'Bearer' as const, expiresIn: deps.tokenTtlSeconds };
}
