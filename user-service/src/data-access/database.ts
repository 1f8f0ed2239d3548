import path from 'node:path';
import { defineDatabase } from '@shop/platform/data';
import { PrismaClient, type Prisma } from '../generated/prisma/client';

export type UserDb = PrismaClient;

/** The client itself or an interactive transaction of it (the use case owns the transaction). */
export type Db = UserDb | Prisma.TransactionClient;

/** user-service's own database: its migrations, its Prisma client and the platform's outbox (it publishes user events). */
export const userDatabase = defineDatabase({
  migrations: path.join(__dirname, '../../prisma/migrations'),
  messagingTables: true,
  client: (adapter) => new PrismaClient({ adapter }),
});
