import { prismaAdapterFromConfig, type DatabaseSettings } from '@shop/platform/data';
import { PrismaClient, type Prisma } from '../generated/prisma/client';

export type PaymentDb = PrismaClient;

/** The client itself or an interactive transaction of it (the use case owns the transaction). */
export type Db = PaymentDb | Prisma.TransactionClient;

/** The service's Prisma client over the pg driver adapter (no native query engine). */
export function createPrismaClient(config: DatabaseSettings): PaymentDb {
  return new PrismaClient({ adapter: prismaAdapterFromConfig(config) });
}
