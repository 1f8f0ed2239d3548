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
  start: ({ config, db, bus }) => ({
    routes: (ctx) => defineUserRoutes(ctx, config, db),
    readiness: {
      // Reported, not required: with the broker down the outbox keeps the events, and sign-in
      // must not stop (an unready user-service leaves the load balancer) for want of a broker.
      broker: () => bus.brokerCheck().then(
        () => ({ connected: true }),
        (error: Error) => ({ connected: false, error: error.message }),
      ),
    },
  }),
});
