import path from 'node:path';
import { MESSAGING_MIGRATIONS_DIR, type DatabaseDefinition } from '@shop/platform/data';
import { createTestDatabase, dropTestDatabase } from '@shop/platform/testing';
import { Client } from 'pg';
import { hasDatabase, ROOT, SERVICES, usesBroker } from './support/repo';

// The outbox and inbox are defined once, in platform/migrations/messaging. Every service that
// uses events gets them through its database definition; order-service and payment-service
// also created them in their first migration before they moved (applied migrations are never
// edited). Whatever a service's migrations say, its tables must come out exactly as the
// platform's: the relay, the inbox fragments and the metrics read them by name and shape.

const TABLES = ['outbox_messages', 'processed_messages'];

/** The service's database definition (src/data-access/database.ts exports exactly one). */
function databaseOf(service: string): DatabaseDefinition<unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(path.join(ROOT, service, 'src/data-access/database.ts')) as Record<string, unknown>;
  const definitions = Object.values(module).filter((value): value is DatabaseDefinition<unknown> => typeof value === 'object' && value !== null && 'migrations' in value);
  if (definitions.length !== 1) throw new Error(`${service}/src/data-access/database.ts must export one database definition`);
  return definitions[0]!;
}

/** Columns (name, type, nullability, default), indexes and constraints of the messaging tables. */
async function shapeOf(url: string): Promise<unknown> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query(
      `SELECT table_name, column_name, data_type, datetime_precision, is_nullable, column_default FROM information_schema.columns
        WHERE table_name = ANY($1) ORDER BY table_name, column_name`,
      [TABLES],
    );
    const indexes = await client.query('SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY($1) ORDER BY indexname', [TABLES]);
    const constraints = await client.query(
      `SELECT rel.relname, con.conname, pg_get_constraintdef(con.oid) AS definition FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
        WHERE rel.relname = ANY($1) ORDER BY con.conname`,
      [TABLES],
    );
    return { columns: columns.rows, indexes: indexes.rows, constraints: constraints.rows };
  } finally {
    await client.end();
  }
}

let reference: unknown;
beforeAll(async () => {
  const url = await createTestDatabase('platform_messaging', [MESSAGING_MIGRATIONS_DIR]);
  try {
    reference = await shapeOf(url);
  } finally {
    await dropTestDatabase(url);
  }
});

describe.each(SERVICES.filter(hasDatabase))('the messaging tables of %s', (service) => {
  test('When it uses events, then its database definition asks for the platform tables, and not otherwise', () => {
    expect(databaseOf(service).messagingTables).toBe(usesBroker(service));
  });

  test('When its database is migrated as its migrate command does, then its outbox and inbox are exactly the platform ones', async () => {
    const definition = databaseOf(service);
    if (!definition.messagingTables) return;
    const url = await createTestDatabase(`${service}_messaging`, definition);
    try {
      expect(await shapeOf(url)).toEqual(reference);
    } finally {
      await dropTestDatabase(url);
    }
  });
});
