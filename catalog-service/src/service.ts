import { defineService } from '@shop/platform/service';
import { configSchema } from './config';
import { catalogDatabase } from './data-access/database';
import { defineCatalogRoutes } from './entry-points/http/routes';

/** catalog-service: products, prices and stock; every change published through the outbox (product.*). */
export const service = defineService({
  name: 'catalog-service',
  config: configSchema,
  database: catalogDatabase,
  messaging: { publishes: true },
  start: ({ db }) => ({ routes: (ctx) => defineCatalogRoutes(ctx, { db }) }),
});
