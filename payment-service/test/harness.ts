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

/** An order.created payload as order-service sends it (payment-service no longer consumes it). */
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

/** An order.stock_confirmed payload as order-service sends it: the charge request. */
export function buildStockConfirmed(overrides: Record<string, unknown> = {}) {
  return { orderId: randomUUID(), userId: randomUUID(), paymentMethodId: randomUUID(), totalCents: 3998, currency: 'EUR', ...overrides };
}

/** An order.cancelled payload as order-service sends it (cancelled while PENDING unless overridden). */
export function buildOrderCancelled(overrides: Record<string, unknown> = {}) {
  return {
    orderId: randomUUID(),
    userId: randomUUID(),
    customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
    totalCents: 3998,
    currency: 'EUR',
    previousStatus: 'PENDING',
    paymentId: null,
    ...overrides,
  };
}

/** An order.refund_requested payload as order-service sends it. */
export function buildRefundRequested(overrides: Record<string, unknown> = {}) {
  return { orderId: randomUUID(), userId: randomUUID(), paymentId: randomUUID(), amountCents: 3998, currency: 'EUR', ...overrides };
}

export interface PaymentServiceUnderTest extends Omit<ServiceUnderTest<PaymentServiceConfig, PaymentDb>, 'publish'> {
  /** The running service; it always has a bus (its definition declares messaging). */
  service: StartedService<PaymentDb> & { bus: RabbitMqEventBus };
  /** Saves a card for userId through the API and returns its id. */
  addCard(userId: string, cardNumber?: string): Promise<string>;
  /** Publishes content to the service's exchange, as order-service's relay would. */
  publish(routingKey: string, content: Buffer | EventEnvelope): Promise<void>;
  /** Deliveries of the event type the consumer settled with this outcome (from /metrics). */
  consumed(type: string, outcome: 'acked' | 'retried' | 'dead-lettered'): Promise<number>;
  /** Publishes a new envelope of the given type for the payload and returns the envelope. */
  publishEvent(type: string, payload: Record<string, unknown>): Promise<EventEnvelope>;
  /** Publishes an order.stock_confirmed envelope for the payload (the charge request) and returns the envelope. */
  publishStockConfirmed(payload: Record<string, unknown>): Promise<EventEnvelope>;
}

/**
 * The real payment-service on port 0 (platform/testing's startServiceUnderTest: its own database
 * and exchange) with an instant card processor, fast retries and a quick outbox sweep.
 */
export async function startPaymentServiceUnderTest(env: Record<string, string> = {}): Promise<PaymentServiceUnderTest> {
  const sut = await startServiceUnderTest(service, { RETRY_DELAYS_MS: '100,200,400', OUTBOX_POLL_INTERVAL_MS: '200', PROCESSOR_LATENCY_MS: '0', ...env });
  const publish = (routingKey: string, content: Buffer | EventEnvelope) => sut.publish(content, routingKey);
  const publishEvent = async (type: string, payload: Record<string, unknown>) => {
    const envelope = createEnvelope(type, 1, payload);
    await publish(type, envelope);
    return envelope;
  };
  return {
    ...sut,
    service: sut.service as PaymentServiceUnderTest['service'],
    async addCard(userId, cardNumber = TEST_CARDS.visa) {
      return (await request(sut.url).post('/payments/methods').set(asUser(userId)).send(buildCard({ cardNumber })).expect(201)).body.id;
    },
    async consumed(type, outcome) {
      const metrics = (await request(sut.url).get('/metrics')).text;
      const line = metrics
        .split('\n')
        .find((l) => l.startsWith('messaging_messages_consumed_total{') && l.includes(`type="${type}"`) && l.includes(`outcome="${outcome}"`));
      return line ? Number(line.split(' ').at(-1)) : 0;
    },
    publish,
    publishEvent,
    publishStockConfirmed: (payload) => publishEvent('order.stock_confirmed', payload),
  };
}
