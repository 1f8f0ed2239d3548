import { defineService } from '@shop/platform/service';
import { configSchema } from './config';
import { paymentDatabase } from './data-access/database';
import { createSimulatedCardProcessor } from './data-access/simulated-card-processor';
import { definePaymentRoutes } from './entry-points/http/routes';
import { subscribePaymentConsumers } from './entry-points/messaging/consumers';

/** payment-service: saved cards, one charge per `order.stock_confirmed` and one refund per charge, results published through the outbox. */
export const service = defineService({
  name: 'payment-service',
  config: configSchema,
  database: paymentDatabase,
  messaging: { publishes: true },
  start: ({ config, db, bus }) => {
    // The real provider's client would replace the simulation here; nothing else changes.
    const processor = createSimulatedCardProcessor({ latencyMs: config.PROCESSOR_LATENCY_MS });
    subscribePaymentConsumers(bus, { db, processor });
    return { routes: (ctx) => definePaymentRoutes(ctx, { db }) };
  },
});
