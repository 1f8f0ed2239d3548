import { databaseCheck } from '@shop/platform/data';
import { createApp } from '@shop/platform/http';
import type { UserServiceConfig } from '../../config';
import type { UserDb } from '../../data-access/prisma-client-factory';
import { defineUserRoutes } from './routes';

/** The user-service's Express app (tests pass it to supertest; start.ts listens with it). */
export function createUserServiceApp(config: UserServiceConfig, db: UserDb) {
  return createApp({
    title: 'user-service',
    config,
    readiness: { database: databaseCheck(db) },
    routes: (ctx) => defineUserRoutes(ctx, config, db),
  });
}
