import { createPrismaAdapter } from '@shop/platform/data';
import { PrismaClient, type Prisma } from '../generated/prisma/client';

export type PaymentDb = PrismaClient;

/** The client itself or an interactive transaction of it (the use case owns the transaction). */
export type Db = PaymentDb | Prisma.TransactionClient;

/** The service's Prisma client over the pg driver adapter (no native query engine). */
export function createPrismaClient(config: { DATABASE_URL: string; DATABASE_POOL_MAX: number; DATABASE_PREPARED_STATEMENTS?: number }): PaymentDb {
  return new PrismaClient({ adapter: createPrismaAdapter(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX, preparedStatements: config.DATABASE_PREPARED_STATEMENTS }) });
}
