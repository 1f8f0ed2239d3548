import { createUser, EmailAlreadyStored } from '../data-access/user-repository';
import type { UserDb } from '../data-access/database';
import { hashPassword, type ScryptSettings } from './password-hasher';
import { normaliseEmail, toPublicUser, type PublicUser } from './public-user';
import { EmailTaken } from './user-errors';

/** Registers a customer; the role is never taken from the client. */
export async function registerUser(
  deps: { db: UserDb; scrypt: ScryptSettings },
  input: { name: string; email: string; password: string },
): Promise<PublicUser> {
  const passwordHash = await hashPassword(input.password, deps.scrypt);
  try {
    const user = await createUser(deps.db, { name: input.name.trim(), email: normaliseEmail(input.email), passwordHash });
    return toPublicUser(user);
  } catch (error) {
    if (error instanceof EmailAlreadyStored) throw new EmailTaken();
    throw error;
  }
}
