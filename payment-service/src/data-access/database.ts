import path from 'node:path';
import { defineDatabase } from '@shop/platform/data';
import { PrismaClient, type Prisma } from '../generated/prisma/client';

export type PaymentDb = PrismaClient;

/** The client itself or an interactive transaction of it (the use case owns the transaction). */
export type Db = PaymentDb | Prisma.TransactionClient;

/** payment-service's own database, with the platform's outbox and inbox (it publishes and consumes events). */
export const paymentDatabase = defineDatabase({
  migrations: path.join(__dirname, '../../prisma/migrations'),
  messagingTables: true,
  client: (adapter) => new PrismaClient({ adapter }),
});
