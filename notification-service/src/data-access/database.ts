import path from 'node:path';
import { defineDatabase } from '@shop/platform/data';
import { PrismaClient, type Prisma } from '../generated/prisma/client';

export type NotificationDb = PrismaClient;

/** The client itself or an interactive transaction of it. */
export type Db = NotificationDb | Prisma.TransactionClient;

/** notification-service's own database, with the platform's inbox (it consumes events; its empty outbox is unused). */
export const notificationDatabase = defineDatabase({
  migrations: path.join(__dirname, '../../prisma/migrations'),
  messagingTables: true,
  client: (adapter) => new PrismaClient({ adapter }),
});
