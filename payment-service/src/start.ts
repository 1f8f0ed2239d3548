import type { Server } from 'node:http';
import { closeServer, listen, portOf, Shutdown, type RunningService } from '@shop/platform/lifecycle';
import { configureLogging } from '@shop/platform/logging';
import { eventBusFromConfig, type RabbitMqEventBus } from '@shop/platform/messaging';
import { OutboxRelay } from '@shop/platform/outbox';
import type { PaymentServiceConfig } from './config';
import { createPrismaClient } from './data-access/prisma-client-factory';
import { createSimulatedCardProcessor } from './data-access/simulated-card-processor';
import { createPaymentServiceApp } from './entry-points/http/app';
import { subscribePaymentConsumers } from './entry-points/messaging/consumers';

export interface StartedPaymentService extends RunningService {
  server: Server;
  port: number;
  bus: RabbitMqEventBus;
  relay: OutboxRelay;
}

/**
 * Connects database and broker, starts the order consumer and the outbox relay, serves HTTP.
 * On SIGTERM: HTTP stops first, then the relay, then the consumers, then the database.
 */
export async function startPaymentService(config: PaymentServiceConfig): Promise<StartedPaymentService> {
  configureLogging({ service: 'payment-service', level: config.LOG_LEVEL });
  const shutdown = new Shutdown();
  const db = createPrismaClient(config);
  shutdown.add('database', () => db.$disconnect());

  // The real provider's client would replace the simulation here; nothing else changes.
  const processor = createSimulatedCardProcessor({ latencyMs: config.PROCESSOR_LATENCY_MS });

  const bus = eventBusFromConfig(config, 'payment-service');
  subscribePaymentConsumers(bus, { db, processor });
  await bus.start();
  shutdown.add('message bus', () => bus.close());

  const relay = new OutboxRelay({ databaseUrl: config.DATABASE_URL, publisher: bus, pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS });
  await relay.start();
  shutdown.add('outbox relay', () => relay.stop());

  const app = createPaymentServiceApp(config, { db }, { broker: bus.brokerCheck });
  const server = await listen(app, config.PORT, { host: config.HOST });
  shutdown.add('http', () => closeServer(server, config.SHUTDOWN_TIMEOUT_MS));
  return { server, port: portOf(server), bus, relay, shutdown, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS };
}
