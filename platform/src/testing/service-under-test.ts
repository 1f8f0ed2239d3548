import { connect } from 'amqplib';
import { loadConfig } from '../config';
import { IDENTITY_HEADERS, type Role } from '../http';
import type { EventEnvelope } from '../messaging';
import { startService, type BaseServiceConfig, type ServiceDefinition, type StartedService } from '../service';
import { deleteTopology, TEST_BROKER_URL, uniqueExchangeName } from './broker';
import { createTestDatabase, dropTestDatabase } from './test-database';

/** The gateway token every service under test is started with. */
export const TEST_GATEWAY_TOKEN = 'gateway-token-for-tests-0123456789abcdef';
/** The service token every service under test that requires one is started with. */
export const TEST_SERVICE_TOKEN = 'service-token-for-tests-0123456789abcdef';

/** Headers the gateway forwards for a verified user. */
export function asUser(userId: string, role: Role = 'customer'): Record<string, string> {
  return { [IDENTITY_HEADERS.gatewayToken]: TEST_GATEWAY_TOKEN, [IDENTITY_HEADERS.userId]: userId, [IDENTITY_HEADERS.userRole]: role };
}

/** Headers another service sends (its service token, no user). */
export const asService = (): Record<string, string> => ({ [IDENTITY_HEADERS.serviceToken]: TEST_SERVICE_TOKEN });

/** A real service on port 0 with its own fresh database and exchange. */
export interface ServiceUnderTest<C, Db> {
  service: StartedService<Db>;
  config: C;
  db: Db;
  /** http://127.0.0.1:<port> of the running service. */
  url: string;
  /** Its database (created for this run, dropped by stop()); undefined without one. */
  databaseUrl: string | undefined;
  /** Its exchange (created for this run, deleted by stop()); undefined without messaging. */
  exchange: string | undefined;
  /** Publishes an event (or raw bytes) to the service's exchange, as another service would. */
  publish(content: EventEnvelope | Buffer, routingKey?: string): Promise<void>;
  /** Messages of a type the consumer settled with an outcome (acked, retried, dead-lettered), from /metrics. */
  consumed(type: string, outcome: string): Promise<number>;
  /** Shuts the service down and removes its database, exchange and queues. */
  stop(): Promise<void>;
}

/** Options of startServiceUnderTest. */
export interface ServiceUnderTestOptions {
  /** Reach the database through this port instead (a TcpProxy the test controls). */
  databasePort?: number;
}

/**
 * The real service, as its process would run it (same definition, same start), on port 0 with a
 * database and an exchange of its own (so test files running in parallel never see each other's
 * rows or events), quick retries and quiet logs. `env` overrides any variable.
 */
export async function startServiceUnderTest<C extends BaseServiceConfig, Db>(
  definition: ServiceDefinition<C, Db>,
  env: Record<string, string> = {},
  options: ServiceUnderTestOptions = {},
): Promise<ServiceUnderTest<C, Db>> {
  const databaseUrl = definition.database ? await createTestDatabase(definition.name, definition.database) : undefined;
  const exchange = definition.messaging ? uniqueExchangeName(`test.${definition.name}`) : undefined;
  const serviceDatabaseUrl = databaseUrl && new URL(databaseUrl);
  if (serviceDatabaseUrl && options.databasePort) serviceDatabaseUrl.port = String(options.databasePort);
  const config = loadConfig(definition.config as never, {
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    GATEWAY_TOKEN: TEST_GATEWAY_TOKEN,
    ...(requiresServiceToken(definition) ? { SERVICE_TOKEN: TEST_SERVICE_TOKEN } : {}),
    ...(serviceDatabaseUrl ? { DATABASE_URL: serviceDatabaseUrl.toString() } : {}),
    ...(exchange ? { RABBITMQ_URL: TEST_BROKER_URL, EVENTS_EXCHANGE: exchange, RETRY_DELAYS_MS: '100,200' } : {}),
    ...env,
  }) as C;
  let service: StartedService<Db>;
  try {
    service = await startService(definition, config);
  } catch (error) {
    if (databaseUrl) await dropTestDatabase(databaseUrl);
    throw error;
  }
  const url = `http://127.0.0.1:${service.port}`;
  return {
    service,
    config,
    db: service.db,
    url,
    databaseUrl,
    exchange,
    publish: (content, routingKey) => {
      if (!exchange) throw new Error(`${definition.name} has no exchange`);
      return publishRaw(exchange, content, routingKey);
    },
    async consumed(type, outcome) {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      const line = metrics
        .split('\n')
        .find((l) => l.startsWith('messaging_messages_consumed_total{') && l.includes(`type="${type}"`) && l.includes(`outcome="${outcome}"`));
      return line ? Number(line.split(' ').at(-1)) : 0;
    },
    async stop() {
      await service.shutdown.run();
      if (exchange && service.bus) {
        const { queue, retryQueues, deadQueue } = service.bus.topology;
        await deleteTopology(TEST_BROKER_URL, { exchanges: [exchange], queues: [queue, ...retryQueues, deadQueue] });
      }
      if (databaseUrl) await dropTestDatabase(databaseUrl);
    },
  };
}

/** True when the service cannot start without SERVICE_TOKEN (it is called by, or calls, other services). */
function requiresServiceToken(definition: ServiceDefinition<never, never> | ServiceDefinition<BaseServiceConfig, unknown>): boolean {
  const shape = (definition.config as unknown as { shape?: Record<string, { safeParse(value: unknown): { success: boolean } }> }).shape;
  return !!shape?.SERVICE_TOKEN && !shape.SERVICE_TOKEN.safeParse(undefined).success;
}

/** Publishes to exchange with the properties the platform's publisher sets (the type labels metrics of retried copies too). */
export async function publishRaw(exchange: string, content: EventEnvelope | Buffer, routingKey?: string): Promise<void> {
  const key = routingKey ?? (Buffer.isBuffer(content) ? undefined : content.type);
  if (!key) throw new Error('A raw message needs a routing key');
  const connection = await connect(TEST_BROKER_URL);
  try {
    const channel = await connection.createConfirmChannel();
    const body = Buffer.isBuffer(content) ? content : Buffer.from(JSON.stringify(content));
    const identity = Buffer.isBuffer(content) ? {} : { messageId: content.id };
    channel.publish(exchange, key, body, { persistent: true, contentType: 'application/json', type: key, ...identity });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}
