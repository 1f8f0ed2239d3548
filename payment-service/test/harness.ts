import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { IDENTITY_HEADERS } from '@shop/platform/http';
import { createEnvelope, type EventEnvelope } from '@shop/platform/messaging';
import { createTestDatabase, deleteTopology, dropTestDatabase, TEST_BROKER_URL, uniqueExchangeName } from '@shop/platform/testing';
import { connect } from 'amqplib';
import request from 'supertest';
import { readConfig, type PaymentServiceConfig } from '../src/config';
import { startPaymentService, type StartedPaymentService } from '../src/start';

export const GATEWAY_TOKEN = 'gateway-token-for-tests-0123456789abcdef';

/** The simulated processor's test cards (decided by their last four digits). */
export const TEST_CARDS = {
  visa: '4242 4242 4242 4242',
  mastercard: '5555 5555 5555 4444',
  declined: '4000 0000 0000 0002',
  insufficientFunds: '4000 0000 0000 9995',
  unavailableTwice: '4000 0000 0000 0119',
} as const;

/** Headers the gateway forwards for a verified user. */
export function asUser(userId: string): Record<string, string> {
  return { [IDENTITY_HEADERS.gatewayToken]: GATEWAY_TOKEN, [IDENTITY_HEADERS.userId]: userId, [IDENTITY_HEADERS.userRole]: 'customer' };
}

/** A valid POST /payments/methods body, expiring next year; override any field. */
export function buildCard(overrides: Record<string, unknown> = {}) {
  return { cardNumber: TEST_CARDS.visa, expMonth: 12, expYear: new Date().getUTCFullYear() + 1, holderName: 'Ada Lovelace', ...overrides };
}

/** The fields of order.created payment-service reads, plus some it ignores, as order-service sends them. */
export function buildOrderCreated(overrides: Record<string, unknown> = {}) {
  return {
    orderId: randomUUID(),
    userId: randomUUID(),
    customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
    paymentMethodId: randomUUID(),
    items: [{ sku: 'BOOK-1', name: 'Book', quantity: 2, unitPriceCents: 1999 }],
    totalCents: 3998,
    currency: 'EUR',
    ...overrides,
  };
}

export interface PaymentServiceUnderTest {
  service: StartedPaymentService;
  config: PaymentServiceConfig;
  /** http://127.0.0.1:<port> of the running service. */
  url: string;
  databaseUrl: string;
  /** Saves a card for userId through the API and returns its id. */
  addCard(userId: string, cardNumber?: string): Promise<string>;
  /** Publishes content to the service's exchange, as order-service's relay would. */
  publish(routingKey: string, content: Buffer | EventEnvelope): Promise<void>;
  /** Publishes an order.created envelope for the payload and returns the envelope. */
  publishOrderCreated(payload: Record<string, unknown>): Promise<EventEnvelope>;
  stop(): Promise<void>;
}

/**
 * The real payment-service on port 0 with its own fresh database and exchange (so test files
 * running in parallel never see each other's events), an instant card processor and fast
 * retries. stop() shuts it down and removes database, exchange and queues.
 */
export async function startPaymentServiceUnderTest(env: Record<string, string> = {}): Promise<PaymentServiceUnderTest> {
  const databaseUrl = await createTestDatabase('payment_service', path.join(__dirname, '../prisma/migrations'));
  const exchange = uniqueExchangeName('test.payments');
  const config = readConfig({
    DATABASE_URL: databaseUrl,
    GATEWAY_TOKEN,
    RABBITMQ_URL: TEST_BROKER_URL,
    EVENTS_EXCHANGE: exchange,
    RETRY_DELAYS_MS: '100,200,400',
    OUTBOX_POLL_INTERVAL_MS: '200',
    PROCESSOR_LATENCY_MS: '0',
    PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    ...env,
  });
  const service = await startPaymentService(config);
  const url = `http://127.0.0.1:${service.port}`;

  const publish = async (routingKey: string, content: Buffer | EventEnvelope) => {
    const connection = await connect(TEST_BROKER_URL);
    try {
      const channel = await connection.createConfirmChannel();
      const body = Buffer.isBuffer(content) ? content : Buffer.from(JSON.stringify(content));
      // The properties RabbitMqEventBus.publish sets; retried copies keep `type` for the metrics.
      const identity = Buffer.isBuffer(content) ? {} : { messageId: content.id };
      channel.publish(exchange, routingKey, body, { persistent: true, contentType: 'application/json', type: routingKey, ...identity });
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }
  };

  return {
    service,
    config,
    url,
    databaseUrl,
    async addCard(userId, cardNumber = TEST_CARDS.visa) {
      return (await request(url).post('/payments/methods').set(asUser(userId)).send(buildCard({ cardNumber })).expect(201)).body.id;
    },
    publish,
    async publishOrderCreated(payload) {
      const envelope = createEnvelope('order.created', 1, payload);
      await publish('order.created', envelope);
      return envelope;
    },
    async stop() {
      await service.shutdown.run();
      const { queue, retryQueues, deadQueue } = service.bus.topology;
      await deleteTopology(TEST_BROKER_URL, { exchanges: [exchange], queues: [queue, ...retryQueues, deadQueue] });
      await dropTestDatabase(databaseUrl);
    },
  };
}
