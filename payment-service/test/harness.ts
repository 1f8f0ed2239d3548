import { randomUUID } from 'node:crypto';
import { createEnvelope, type EventEnvelope, type RabbitMqEventBus } from '@shop/platform/messaging';
import type { StartedService } from '@shop/platform/service';
import { asUser, startServiceUnderTest, type ServiceUnderTest } from '@shop/platform/testing';
import request from 'supertest';
import type { PaymentServiceConfig } from '../src/config';
import type { PaymentDb } from '../src/data-access/database';
import { service } from '../src/service';

export { asUser, TEST_GATEWAY_TOKEN as GATEWAY_TOKEN } from '@shop/platform/testing';

/** The simulated processor's test cards (decided by their last four digits). */
export const TEST_CARDS = {
  visa: '4242 4242 4242 4242',
  mastercard: '5555 5555 5555 4444',
  declined: '4000 0000 0000 0002',
  insufficientFunds: '4000 0000 0000 9995',
  unavailableTwice: '4000 0000 0000 0119',
} as const;

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

export interface PaymentServiceUnderTest extends Omit<ServiceUnderTest<PaymentServiceConfig, PaymentDb>, 'publish'> {
  /** The running service; it always has a bus (its definition declares messaging). */
  service: StartedService<PaymentDb> & { bus: RabbitMqEventBus };
  /** Saves a card for userId through the API and returns its id. */
  addCard(userId: string, cardNumber?: string): Promise<string>;
  /** Publishes content to the service's exchange, as order-service's relay would. */
  publish(routingKey: string, content: Buffer | EventEnvelope): Promise<void>;
  /** Publishes an order.created envelope for the payload and returns the envelope. */
  publishOrderCreated(payload: Record<string, unknown>): Promise<EventEnvelope>;
}

/**
 * The real payment-service on port 0 (platform/testing's startServiceUnderTest: its own database
 * and exchange) with an instant card processor, fast retries and a quick outbox sweep.
 */
export async function startPaymentServiceUnderTest(env: Record<string, string> = {}): Promise<PaymentServiceUnderTest> {
  const sut = await startServiceUnderTest(service, { RETRY_DELAYS_MS: '100,200,400', OUTBOX_POLL_INTERVAL_MS: '200', PROCESSOR_LATENCY_MS: '0', ...env });
  const publish = (routingKey: string, content: Buffer | EventEnvelope) => sut.publish(content, routingKey);
  return {
    ...sut,
    service: sut.service as PaymentServiceUnderTest['service'],
    async addCard(userId, cardNumber = TEST_CARDS.visa) {
      return (await request(sut.url).post('/payments/methods').set(asUser(userId)).send(buildCard({ cardNumber })).expect(201)).body.id;
    },
    publish,
    async publishOrderCreated(payload) {
      const envelope = createEnvelope('order.created', 1, payload);
      await publish('order.created', envelope);
      return envelope;
    },
  };
}
