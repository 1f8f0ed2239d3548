import { defineService } from '@shop/platform/service';
import { configSchema } from './config';
import { catalogDatabase } from './data-access/database';
import { defineCatalogRoutes } from './entry-points/http/routes';
import { subscribeCatalogConsumers } from './entry-points/messaging/consumers';

/**
 * catalog-service: products, prices and stock; every change published through the outbox
 * (product.*). It also reserves stock for the order saga (order.* in, stock.* out).
 */
export const service = defineService({
  name: 'catalog-service',
  config: configSchema,
  database: catalogDatabase,
  messaging: { publishes: true },
  start: ({ db, bus }) => {
    subscribeCatalogConsumers(bus, db);
    return { routes: (ctx) => defineCatalogRoutes(ctx, { db }) };
  },
});
