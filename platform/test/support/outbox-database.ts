import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase, withDatabase } from '../../src/data';
import { OUTBOX_TABLES_SQL } from '../../src/outbox';
import { TEST_SERVER_URL } from '../../src/testing';

/** A fresh database holding exactly the DDL services copy (outbox + inbox tables). */
export async function createOutboxDatabase(): Promise<string> {
  const url = withDatabase(TEST_SERVER_URL, `test_platform_${randomBytes(4).toString('hex')}`);
  await ensureDatabase(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(OUTBOX_TABLES_SQL);
  } finally {
    await client.end();
  }
  return url;
}

/** Drops a database made by createOutboxDatabase. */
export async function dropOutboxDatabase(url: string): Promise<void> {
  await dropDatabase(url);
}
