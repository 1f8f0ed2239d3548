import { databaseCheck } from '@shop/platform/data';
import { createApp, type ReadinessChecks } from '@shop/platform/http';
import type { NotificationServiceConfig } from '../../config';
import type { NotificationDb } from '../../data-access/prisma-client-factory';
import { defineNotificationRoutes } from './routes';

/** The notification-service's Express app (start.ts listens with it; tests may pass it to supertest). */
export function createNotificationServiceApp(config: NotificationServiceConfig, db: NotificationDb, readiness: ReadinessChecks = {}) {
  return createApp({
    title: 'notification-service',
    config,
    readiness: { database: databaseCheck(db), ...readiness },
    routes: (ctx) => defineNotificationRoutes(ctx, db),
  });
}
