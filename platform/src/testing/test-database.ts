import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase, migrate, migrationDirsOf, withDatabase, type DatabaseDefinition } from '../data';

/** Server the tests create their databases on; override with TEST_DATABASE_URL. */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A fresh database named `test_<service>_<random>`, migrated as the service's database definition says. */
export async function createTestDatabase(service: string, database: DatabaseDefinition<unknown> | readonly string[]): Promise<string> {
  const name = `test_${service.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(TEST_SERVER_URL, name);
  await ensureDatabase(url);
  await migrate(url, 'migrations' in database ? migrationDirsOf(database) : database);
  return url;
}

/** Drops a database made by createTestDatabase. */
export async function dropTestDatabase(url: string): Promise<void> {
  await dropDatabase(url);
}
