import { databaseCheck } from '@shop/platform/data';
import { createApp, type ReadinessChecks } from '@shop/platform/http';
import type { PaymentServiceConfig } from '../../config';
import type { PaymentDb } from '../../data-access/prisma-client-factory';
import { definePaymentRoutes } from './routes';

/** The payment-service's Express app (tests pass it to supertest; start.ts listens with it). */
export function createPaymentServiceApp(config: PaymentServiceConfig, deps: { db: PaymentDb }, readiness: ReadinessChecks = {}) {
  return createApp({
    title: 'payment-service',
    config,
    readiness: { database: databaseCheck(deps.db), ...readiness },
    routes: (ctx) => definePaymentRoutes(ctx, deps),
  });
}
