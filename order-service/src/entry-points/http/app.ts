import { databaseCheck } from '@shop/platform/data';
import { createApp, type ReadinessChecks } from '@shop/platform/http';
import type { OrderServiceConfig } from '../../config';
import type { PlaceOrderDeps } from '../../domain/place-order-use-case';
import { defineOrderRoutes } from './routes';

/** The order-service's Express app (tests pass it to supertest; start.ts listens with it). */
export function createOrderServiceApp(config: OrderServiceConfig, deps: PlaceOrderDeps, readiness: ReadinessChecks = {}) {
  return createApp({
    title: 'order-service',
    config,
    readiness: { database: databaseCheck(deps.db), ...readiness },
    routes: (ctx) => defineOrderRoutes(ctx, deps),
  });
}
