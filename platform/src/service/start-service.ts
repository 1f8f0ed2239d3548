import type { Server } from 'node:http';
import type { Pool } from 'pg';
import type { ServiceHttpConfig } from '../config';
import { createDatabasePool, databaseCheck, prismaAdapter, type DatabaseSettings, type PingablePrisma } from '../data';
import { createApp, type ReadinessChecks } from '../http';
import { closeServer, listen, portOf, Shutdown, type RunningService } from '../lifecycle';
import { configureLogging } from '../logging';
import { eventBusFromConfig, type EventBusSettings, type RabbitMqEventBus } from '../messaging';
import { OutboxRelay } from '../outbox';
import type { BaseServiceConfig, ServiceDefinition } from './define-service';

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

/** The outbox settings of a service that publishes (platform/config outboxConfig). */
interface OutboxSettings {
  OUTBOX_POLL_INTERVAL_MS: number;
  OUTBOX_MAX_ATTEMPTS: number;
}

type Client = PingablePrisma & { $disconnect(): Promise<void> };

/**
 * Starts a service from its definition and validated config, in this order: logging, database
 * pool and client, the service's own start() (subscriptions, its parts), the event bus, the
 * outbox relay, HTTP. SIGTERM closes in reverse: HTTP first, then the relay, the consumers,
 * the service's parts, the client, the pool.
 */
export async function startService<C extends BaseServiceConfig, Db>(definition: ServiceDefinition<C, Db>, config: C): Promise<StartedService<Db>> {
  configureLogging({ service: definition.name, level: config.LOG_LEVEL });
  const shutdown = new Shutdown();
  const readiness: ReadinessChecks = {};

  let pool: Pool | undefined;
  let db: Db | undefined;
  if (definition.database) {
    const settings = config as unknown as DatabaseSettings;
    const servicePool = createDatabasePool(settings);
    pool = servicePool;
    shutdown.add('database pool', () => servicePool.end());
    const client = definition.database.client(prismaAdapter(servicePool, settings.DATABASE_PREPARED_STATEMENTS));
    db = client;
    shutdown.add('database client', () => (client as Client).$disconnect());
    readiness.database = databaseCheck(client as Client);
  }

  const bus = definition.messaging ? eventBusFromConfig(config as unknown as EventBusSettings, definition.name) : undefined;
  const http = await definition.start({
    config,
    db: db as Db,
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
    if (!pool || !bus) throw new Error(`${definition.name} publishes events but declares no database: the outbox lives in it`);
    const outbox = config as unknown as OutboxSettings;
    const outboxRelay = new OutboxRelay({ pool, publisher: bus, pollIntervalMs: outbox.OUTBOX_POLL_INTERVAL_MS, maxAttempts: outbox.OUTBOX_MAX_ATTEMPTS });
    relay = outboxRelay;
    await outboxRelay.start();
    shutdown.add('outbox relay', () => outboxRelay.stop());
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
  const server = await listen(app, config.PORT, { host: config.HOST, ...('app' in http ? http.listen : {}) });
  shutdown.add('http', () => closeServer(server, config.SHUTDOWN_TIMEOUT_MS));
  return { server, port: portOf(server), db: db as Db, bus, relay, shutdown, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS };
}
