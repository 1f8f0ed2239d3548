import { defineService } from '@shop/platform/service';
import { configSchema } from './config';
import { orderDatabase } from './data-access/database';
import { createUserLookup } from './domain/user-service-client';
import { defineOrderRoutes } from './entry-points/http/routes';
import { subscribeOrderConsumers } from './entry-points/messaging/consumers';

/**
 * order-service: places orders (asking user-service, behind a breaker, who the customer is),
 * publishes order events through its outbox and applies payment results.
 */
export const service = defineService({
  name: 'order-service',
  config: configSchema,
  database: orderDatabase,
  messaging: { publishes: true },
  start: ({ config, db, bus, onShutdown }) => {
    const userLookup = createUserLookup({
      baseUrl: config.USER_SERVICE_URL,
      serviceToken: config.SERVICE_TOKEN,
      timeoutMs: config.USER_SERVICE_TIMEOUT_MS,
      errorThresholdPercentage: config.BREAKER_ERROR_THRESHOLD_PERCENT,
      resetTimeoutMs: config.BREAKER_RESET_TIMEOUT_MS,
      volumeThreshold: config.BREAKER_VOLUME_THRESHOLD,
    });
    onShutdown('user-service breaker', async () => userLookup.shutdown());
    subscribeOrderConsumers(bus, db);
    const deps = { db, lookupCustomer: (userId: string) => userLookup.fire(userId) };
    return {
      routes: (ctx) => defineOrderRoutes(ctx, deps),
      // The breaker's state, as a detail: an open breaker answers 503 itself and does not make the service unready.
      readiness: { 'user-service': () => userLookup.breakerCheck() },
    };
  },
});
