import { defineService } from '@shop/platform/service';
import { configSchema } from './config';
import { userDatabase } from './data-access/database';
import { defineUserRoutes } from './entry-points/http/routes';

/** user-service: accounts and sign-in, over its own database; publishes `user.deleted` and `user.sessions_revoked` through its outbox, consumes nothing. */
export const service = defineService({
  name: 'user-service',
  config: configSchema,
  database: userDatabase,
  messaging: { publishes: true },
  start: ({ config, db }) => ({ routes: (ctx) => defineUserRoutes(ctx, config, db) }),
});
