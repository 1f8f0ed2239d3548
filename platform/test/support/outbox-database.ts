import type { Sql } from '@prisma/client/runtime/client';
import type { ClientBase } from 'pg';
import { dropDatabase, MESSAGING_MIGRATIONS_DIR } from '../../src/data';
import { createTestDatabase } from '../../src/testing';

/** A fresh database holding exactly the platform's messaging tables (outbox + inbox), as every service gets them. */
export async function createOutboxDatabase(): Promise<string> {
  return createTestDatabase('platform', [MESSAGING_MIGRATIONS_DIR]);
}

/** Runs a platform SQL fragment (outboxInsertSql, inboxInsertSql) on a pg client; resolves with its rows. */
export async function runSql<T = Record<string, unknown>>(client: ClientBase, fragment: Sql): Promise<T[]> {
  const result = await client.query(fragment.text, fragment.values as unknown[]);
  return result.rows as T[];
}

/** Drops a database made by createOutboxDatabase. */
export async function dropOutboxDatabase(url: string): Promise<void> {
  await dropDatabase(url);
}
