import { createPrismaAdapter } from '@shop/platform/data';
import { PrismaClient } from '../generated/prisma/client';

export type OrderDb = PrismaClient;

/** The service's Prisma client over the pg driver adapter (no native query engine). */
export function createPrismaClient(config: { DATABASE_URL: string; DATABASE_POOL_MAX: number; DATABASE_PREPARED_STATEMENTS?: number }): OrderDb {
  return new PrismaClient({ adapter: createPrismaAdapter(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX, preparedStatements: config.DATABASE_PREPARED_STATEMENTS }) });
}
