import path from 'node:path';
import { migrate, migrationDirsOf, readMigrations } from '@shop/platform/data';
import { createTestDatabase, dropTestDatabase } from '@shop/platform/testing';
import { Client } from 'pg';
import { userDatabase } from '../src/data-access/database';

/** Its own migrations, then the platform's outbox and inbox (user-service publishes events). */
const allMigrations = async () => (await Promise.all(migrationDirsOf(userDatabase).map((dir) => readMigrations(dir)))).flat();

async function rowsOf(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT * FROM "_prisma_migrations" ORDER BY started_at')).rows;
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  test('When migrated, then _prisma_migrations holds each migration as prisma migrate deploy records it', async () => {
    const url = await createTestDatabase('user_service_migrated', userDatabase);
    const rows = await rowsOf(url).finally(() => dropTestDatabase(url));
    const migrations = await allMigrations();

    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const row of rows) {
      expect(row.checksum).toBe(migrations.find((m) => m.name === row.migration_name)!.checksum);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
    }
  });

  test('When several replicas migrate a new database at once, then each migration is applied once', async () => {
    const url = await createTestDatabase('user_service_race', [path.join(__dirname, 'fixtures/no-migrations')]);
    try {
      const results = await Promise.all([1, 2, 3].map(() => migrate(url, migrationDirsOf(userDatabase))));

      expect(results.flat()).toEqual((await allMigrations()).map((m) => m.name));
      expect((await rowsOf(url)).length).toBe(results.flat().length);
      expect(await migrate(url, migrationDirsOf(userDatabase))).toEqual([]);
    } finally {
      await dropTestDatabase(url);
    }
  });

  test('When a migration fails, then nothing of it is left and no row records it', async () => {
    const url = await createTestDatabase('user_service_broken', [path.join(__dirname, 'fixtures/no-migrations')]);
    try {
      await expect(migrate(url, path.join(__dirname, 'fixtures/broken-migrations'))).rejects.toThrow(/20260101000000_broken failed/);

      const client = new Client({ connectionString: url });
      await client.connect();
      const tables = await client.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'half_written'");
      await client.end();
      expect(tables.rows[0].n).toBe(0);
      expect(await rowsOf(url)).toEqual([]);
    } finally {
      await dropTestDatabase(url);
    }
  });
});
