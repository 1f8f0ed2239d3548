import path from 'node:path';
import { defineDatabase } from '@shop/platform/data';
import { PrismaClient } from '../generated/prisma/client';

export type UserDb = PrismaClient;

/** user-service's own database: its migrations and its Prisma client (no events, so no outbox or inbox). */
export const userDatabase = defineDatabase({
  migrations: path.join(__dirname, '../../prisma/migrations'),
  messagingTables: false,
  client: (adapter) => new PrismaClient({ adapter }),
});
