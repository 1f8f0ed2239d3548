import type { Server } from 'node:http';
import type { ServiceHttpConfig } from '../config';
import type { DatabaseSettings } from '../data';
import { createApp, type ReadinessChecks } from '../http';
import { closeServer, Drain, listen, portOf, Shutdown, type RunningService } from '../lifecycle';
import { configureLogging } from '../logging';
import type { EventBusSettings, RabbitMqEventBus } from '../messaging';
import type { OutboxRelay } from '../outbox';
import type { ServiceDatabase } from './database-part';
import type { BaseServiceConfig, ServiceDefinition } from './define-service';
import type { OutboxSettings } from './messaging-part';

/** A running service: its server and port (tests start on port 0), and what the platform built for it. */
export interface StartedService<Db = unknown> extends RunningService {
  server: Server;
  port: number;
  /** The service's database client; undefined without a database. */
  db: Db;
  /** The event bus; undefined without messaging. */
  bus: RabbitMqEventBus | undefined;
  /** The outbox relay; undefined unless the service publishes. */
  relay: OutboxRelay | undefined;
}

/* eslint-disable @typescript-eslint/no-require-imports -- loaded only for services that use them:
   the gateway starts without pg, Prisma's adapter and amqplib (~150 ms of module loading). */
const databasePart = () => require('./database-part') as typeof import('./database-part');
const messagingPart = () => require('./messaging-part') as typeof import('./messaging-part');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Starts a service from its definition and validated config, in this order: logging, database
 * pool and client, the service's own start() (subscriptions, its parts), the event bus, the
 * outbox relay, HTTP. SIGTERM closes in reverse: first the drain (/ready answers 503 for
 * SHUTDOWN_DRAIN_MS while requests are still served, so load balancers stop sending), then HTTP
 * (no new connections, in-flight requests finish, keep-alive connections end after their
 * answer), then the relay, the consumers (unacked messages go back to the queue), the
 * service's parts, the client, the pool.
 */
export async function startService<C extends BaseServiceConfig, Db>(definition: ServiceDefinition<C, Db>, config: C): Promise<StartedService<Db>> {
  configureLogging({ service: definition.name, level: config.LOG_LEVEL });
  const shutdown = new Shutdown();
  const readiness: ReadinessChecks = {};

  let database: ServiceDatabase<Db> | undefined;
  if (definition.database) {
    database = databasePart().openServiceDatabase(definition.database, config as unknown as DatabaseSettings, shutdown);
    readiness.database = database.check;
  }

  const bus = definition.messaging ? messagingPart().createServiceBus(config as unknown as EventBusSettings, definition.name) : undefined;
  const http = await definition.start({
    config,
    db: database?.db as Db,
    // A service without messaging never reads it; its definition says so.
    bus: bus as RabbitMqEventBus,
    onShutdown: (name, close) => shutdown.add(name, close),
  });

  if (bus) {
    await bus.start();
    shutdown.add('message bus', () => bus.close());
    readiness.broker = bus.brokerCheck;
  }

  let relay: OutboxRelay | undefined;
  if (definition.messaging?.publishes) {
    if (!database || !bus) throw new Error(`${definition.name} publishes events but declares no database: the outbox lives in it`);
    relay = await messagingPart().startOutboxRelay(database.pool, bus, config as unknown as OutboxSettings, shutdown);
  }

  if ('app' in http && http.close) shutdown.add('app', http.close);
  const app =
    'app' in http
      ? http.app
      : createApp({
          title: definition.name,
          config: config as unknown as ServiceHttpConfig,
          readiness: { ...readiness, ...http.readiness },
          routes: http.routes,
        });
  const drain = new Drain();
  const drainMs = config.SHUTDOWN_DRAIN_MS ?? 0;
  const server = await listen(drain.wrap(app), config.PORT, { host: config.HOST, ...('app' in http ? http.listen : {}) });
  shutdown.add('http', () => closeServer(server, config.SHUTDOWN_TIMEOUT_MS));
  // Registered last, so it runs first.
  shutdown.add('drain', () => drain.drain(drainMs));
  if ('routes' in http) http.started?.();
  return { server, port: portOf(server), db: database?.db as Db, bus, relay, shutdown, shutdownTimeoutMs: drainMs + config.SHUTDOWN_TIMEOUT_MS };
}
