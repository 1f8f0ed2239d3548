import { dropTestDatabase } from '@shop/platform/testing';

export default async function globalTeardown(): Promise<void> {
  if (process.env.DATABASE_URL) await dropTestDatabase(process.env.DATABASE_URL);
}
