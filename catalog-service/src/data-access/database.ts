import path from 'node:path';
import { defineDatabase } from '@shop/platform/data';
import { PrismaClient, type Prisma } from '../generated/prisma/client';

export type CatalogDb = PrismaClient;

/** The client itself or an interactive transaction of it (the use case owns the transaction). */
export type Db = CatalogDb | Prisma.TransactionClient;

/** catalog-service's own database, with the platform's outbox (it publishes product events). */
export const catalogDatabase = defineDatabase({
  migrations: path.join(__dirname, '../../prisma/migrations'),
  messagingTables: true,
  client: (adapter) => new PrismaClient({ adapter }),
});
