import { defineService } from '@shop/platform/service';
import { configSchema } from './config';
import { userDatabase } from './data-access/database';
import { defineUserRoutes } from './entry-points/http/routes';

/** user-service: accounts and sign-in, over its own database; publishes and consumes no events. */
export const service = defineService({
  name: 'user-service',
  config: configSchema,
  database: userDatabase,
  start: ({ config, db }) => ({ routes: (ctx) => defineUserRoutes(ctx, config, db) }),
});
