// Creates the first admin, or promotes an existing account:
//   ADMIN_EMAIL=a@b.c ADMIN_NAME=Admin ADMIN_PASSWORD=... npm run create-admin -w user-service
// The password comes from the environment, not argv, so it stays out of shell history and `ps`.
import { z } from 'zod';
import { loadConfig } from '@shop/platform/config';
import { configSchema } from '../config';
import { openDatabase } from '@shop/platform/data';
import { userDatabase } from '../data-access/database';
import { findUserByEmail, setUserRole } from '../data-access/user-repository';
import { normaliseEmail } from '../domain/public-user';
import { registerUser } from '../domain/register-user-use-case';

const schema = configSchema.pick({ DATABASE_URL: true, DATABASE_POOL_MAX: true, PASSWORD_SCRYPT_N: true, PASSWORD_SCRYPT_P: true }).extend({
  ADMIN_EMAIL: z.email(),
  ADMIN_NAME: z.string().min(1).max(100).default('Administrator'),
  ADMIN_PASSWORD: z.string().min(8).max(128),
});

async function createAdmin(): Promise<string> {
  const config = loadConfig(schema);
  const { db, close } = openDatabase(userDatabase, config);
  try {
    const existing = await findUserByEmail(db, normaliseEmail(config.ADMIN_EMAIL));
    const id =
      existing?.id ??
      (await registerUser(
        { db, scrypt: { N: config.PASSWORD_SCRYPT_N, p: config.PASSWORD_SCRYPT_P } },
        { name: config.ADMIN_NAME, email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD },
      )).id;
    await setUserRole(db, id, 'admin');
    return id;
  } finally {
    await close();
  }
}

createAdmin().then(
  (id) => console.log(JSON.stringify({ message: 'Admin ready', id })),
  (error: unknown) => {
    console.error(`create-admin: ${(error as Error).message}`);
    process.exit(1);
  },
);
