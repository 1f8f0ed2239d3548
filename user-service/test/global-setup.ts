import path from 'node:path';
import { createTestDatabase } from '@shop/platform/testing';

// One fresh database per test run, migrated with the service's own migrations; workers
// inherit DATABASE_URL. global-teardown drops it.
export default async function globalSetup(): Promise<void> {
  const url = await createTestDatabase('user_service', path.join(__dirname, '../prisma/migrations'));
  process.env.DATABASE_URL = url;
}
