import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { getLogger } from '../logging';

const log = getLogger('migrate');

// The advisory lock key Prisma's schema engine takes for migrate deploy, so our runner and
// `prisma migrate deploy` also exclude each other.
const PRISMA_ADVISORY_LOCK_KEY = 72707369;

// Same table, same columns, as Prisma Migrate creates it.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** A migration folder as Prisma Migrate lays it out: `<timestamp>_<name>/migration.sql`. */
export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/** Reads the migrations of a `prisma/migrations` folder in the order Prisma applies them. */
export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

/**
 * Applies pending migrations exactly as `prisma migrate deploy` would and records them in
 * `_prisma_migrations`, so Prisma's own CLI accepts the database as up to date. We run the SQL
 * ourselves because the CLI downloads its schema engine at run time, which offline clusters
 * (and these build machines) cannot do. Replicas starting together serialise on Prisma's
 * advisory lock. Each migration runs in one transaction with its bookkeeping row, so a failing
 * one leaves nothing half applied. Several folders may be given (see DatabaseDefinition).
 * Returns the names applied now.
 */
export async function migrate(databaseUrl: string, migrationsDirs: string | readonly string[]): Promise<string[]> {
  // Folder by folder in the order given (see migrationDirsOf), each in name order.
  const migrations = (await Promise.all([migrationsDirs].flat().map((dir) => readMigrations(dir)))).flat();
  const names = new Set(migrations.map((m) => m.name));
  if (names.size !== migrations.length) throw new Error('Two migration folders hold migrations of the same name');
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
    );
    const done = new Map(rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]));
    for (const migration of migrations) {
      const row = done.get(migration.name);
      if (row && row.finished_at === null) {
        throw new Error(`Migration ${migration.name} failed earlier and needs manual resolution (prisma migrate resolve)`);
      }
      if (row) {
        if (row.checksum !== migration.checksum) log.warn('Applied migration was modified since', { migration: migration.name });
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(migration.name);
      log.info('Applied migration', { migration: migration.name });
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
  return applied;
}
