import { prismaAdapterFromConfig, type DatabaseSettings } from '@shop/platform/data';
import { PrismaClient } from '../generated/prisma/client';

export type NotificationDb = PrismaClient;

/** The service's Prisma client over the pg driver adapter (no native query engine). */
export function createPrismaClient(config: DatabaseSettings): NotificationDb {
  return new PrismaClient({ adapter: prismaAdapterFromConfig(config) });
}
