import { defineService } from '@shop/platform/service';
import { configSchema } from './config';
import { orderDatabase } from './data-access/database';
import { createCatalogSnapshotReader } from './domain/catalog-client';
import { CatalogReadModel } from './domain/catalog-read-model';
import { createUserLookup } from './domain/user-service-client';
import { defineOrderRoutes } from './entry-points/http/routes';
import { subscribeOrderConsumers } from './entry-points/messaging/consumers';

/**
 * order-service: places orders priced from its own copy of the catalog (asking user-service,
 * behind a breaker, who the customer is), owns the order saga (stock reservation, payment,
 * cancel, refund: it decides, catalog- and payment-service execute and report), publishes order
 * events through its outbox, and keeps the catalog copy current from product events.
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
      windowMs: config.BREAKER_WINDOW_MS,
    });
    onShutdown('user-service breaker', async () => userLookup.shutdown());
    const catalog = new CatalogReadModel({
      db,
      readSnapshot: createCatalogSnapshotReader({ baseUrl: config.CATALOG_SERVICE_URL, serviceToken: config.SERVICE_TOKEN, timeoutMs: config.CATALOG_SERVICE_TIMEOUT_MS }),
    });
    onShutdown('catalog copy', async () => catalog.stop());
    subscribeOrderConsumers(bus, db);
    const deps = { db, lookupCustomer: (userId: string) => userLookup.fire(userId), assertCatalogFilled: () => catalog.assertFilled() };
    return {
      routes: (ctx) => defineOrderRoutes(ctx, deps),
      readiness: {
        // The breaker's state, as a detail: an open breaker answers 503 itself and does not make the service unready.
        'user-service': () => userLookup.breakerCheck(),
        // Unready only until the catalog copy is first filled; afterwards orders are priced from it, catalog-service up or not.
        catalog: catalog.check,
      },
      // After the consumer is set up, so no product change falls between the snapshot and the events.
      started: () => void catalog.fill(),
    };
  },
});
