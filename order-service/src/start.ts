import type { Server } from 'node:http';
import { closeServer, listen, portOf, Shutdown, type RunningService } from '@shop/platform/lifecycle';
import { configureLogging } from '@shop/platform/logging';
import { eventBusFromConfig, type RabbitMqEventBus } from '@shop/platform/messaging';
import { OutboxRelay } from '@shop/platform/outbox';
import type { OrderServiceConfig } from './config';
import { createPrismaClient } from './data-access/prisma-client-factory';
import { createUserLookup } from './domain/user-service-client';
import { createOrderServiceApp } from './entry-points/http/app';
import { subscribeOrderConsumers } from './entry-points/messaging/consumers';

export interface StartedOrderService extends RunningService {
  server: Server;
  port: number;
  bus: RabbitMqEventBus;
  relay: OutboxRelay;
}

/**
 * Connects database and broker, starts the consumers and the outbox relay, serves HTTP. On
 * SIGTERM: HTTP stops first, then the relay, then the consumers, then the database.
 */
export async function startOrderService(config: OrderServiceConfig): Promise<StartedOrderService> {
  configureLogging({ service: 'order-service', level: config.LOG_LEVEL });
  const shutdown = new Shutdown();
  const db = createPrismaClient(config);
  shutdown.add('database', () => db.$disconnect());

  const bus = eventBusFromConfig(config, 'order-service');
  subscribeOrderConsumers(bus, db);
  await bus.start();
  shutdown.add('message bus', () => bus.close());

  const relay = new OutboxRelay({ databaseUrl: config.DATABASE_URL, publisher: bus, pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS });
  await relay.start();
  shutdown.add('outbox relay', () => relay.stop());

  const userLookup = createUserLookup({
    baseUrl: config.USER_SERVICE_URL,
    serviceToken: config.SERVICE_TOKEN,
    timeoutMs: config.USER_SERVICE_TIMEOUT_MS,
    errorThresholdPercentage: config.BREAKER_ERROR_THRESHOLD_PERCENT,
    resetTimeoutMs: config.BREAKER_RESET_TIMEOUT_MS,
    volumeThreshold: config.BREAKER_VOLUME_THRESHOLD,
  });
  shutdown.add('user-service breaker', async () => userLookup.shutdown());

  const app = createOrderServiceApp(
    config,
    { db, lookupCustomer: (userId) => userLookup.fire(userId) },
    { broker: bus.brokerCheck, 'user-service': () => userLookup.breakerCheck() },
  );
  const server = await listen(app, config.PORT, { host: config.HOST });
  shutdown.add('http', () => closeServer(server, config.SHUTDOWN_TIMEOUT_MS));
  return { server, port: portOf(server), bus, relay, shutdown, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS };
}
