import path from 'node:path';
import { IDENTITY_HEADERS } from '@shop/platform/http';
import type { EventEnvelope } from '@shop/platform/messaging';
import { createTestDatabase, deleteTopology, dropTestDatabase, TEST_BROKER_URL, uniqueExchangeName } from '@shop/platform/testing';
import { connect } from 'amqplib';
import { readConfig, type NotificationServiceConfig } from '../src/config';
import { startNotificationService, type StartedNotificationService } from '../src/start';
import { SmtpSink } from './smtp-sink';

export const GATEWAY_TOKEN = 'gateway-token-for-tests-0123456789abcdef';

/** Headers the gateway forwards for a verified user. */
export function asUser(userId: string): Record<string, string> {
  return { [IDENTITY_HEADERS.gatewayToken]: GATEWAY_TOKEN, [IDENTITY_HEADERS.userId]: userId, [IDENTITY_HEADERS.userRole]: 'customer' };
}

export interface NotificationServiceUnderTest {
  service: StartedNotificationService;
  config: NotificationServiceConfig;
  /** The SMTP server the service sends to. */
  smtp: SmtpSink;
  /** http://127.0.0.1:<port> of the running service. */
  url: string;
  databaseUrl: string;
  /** Publishes an event (or raw bytes) to the test exchange, as order-service would. */
  publish(content: EventEnvelope | Buffer, routingKey?: string): Promise<void>;
  /** Messages of a type the consumer settled with an outcome (acked, retried, dead-lettered), from /metrics. */
  consumed(type: string, outcome: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The real notification-service on port 0 with its own fresh database, exchange and SMTP sink
 * (so test files running in parallel never see each other's events or mails), and fast
 * retries. stop() shuts it down and removes database, exchange and queues.
 */
export async function startNotificationServiceUnderTest(env: Record<string, string> = {}): Promise<NotificationServiceUnderTest> {
  const smtp = new SmtpSink();
  await smtp.start();
  const databaseUrl = await createTestDatabase('notification_service', path.join(__dirname, '../prisma/migrations'));
  const exchange = uniqueExchangeName('test.notifications');
  const config = readConfig({
    DATABASE_URL: databaseUrl,
    GATEWAY_TOKEN,
    RABBITMQ_URL: TEST_BROKER_URL,
    EVENTS_EXCHANGE: exchange,
    RETRY_DELAYS_MS: '100,200',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    SMTP_TIMEOUT_MS: '2000',
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    ...env,
  });
  const service = await startNotificationService(config);
  return {
    service,
    config,
    smtp,
    url: `http://127.0.0.1:${service.port}`,
    databaseUrl,
    publish: (content, routingKey) => publishRaw(exchange, content, routingKey),
    async consumed(type, outcome) {
      const metrics = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
      const line = metrics
        .split('\n')
        .find((l) => l.startsWith('messaging_messages_consumed_total{') && l.includes(`type="${type}"`) && l.includes(`outcome="${outcome}"`));
      return line ? Number(line.split(' ').at(-1)) : 0;
    },
    async stop() {
      await service.shutdown.run();
      await smtp.stop();
      const { queue, retryQueues, deadQueue } = service.bus.topology;
      await deleteTopology(TEST_BROKER_URL, { exchanges: [exchange], queues: [queue, ...retryQueues, deadQueue] });
      await dropTestDatabase(databaseUrl);
    },
  };
}

async function publishRaw(exchange: string, content: EventEnvelope | Buffer, routingKey?: string): Promise<void> {
  const key = routingKey ?? (Buffer.isBuffer(content) ? undefined : content.type);
  if (!key) throw new Error('A raw message needs a routing key');
  const connection = await connect(TEST_BROKER_URL);
  try {
    const channel = await connection.createConfirmChannel();
    const body = Buffer.isBuffer(content) ? content : Buffer.from(JSON.stringify(content));
    // Properties as the platform's publisher sets them (the type labels metrics of retried copies too).
    channel.publish(exchange, key, body, { persistent: true, contentType: 'application/json', type: key });
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}
