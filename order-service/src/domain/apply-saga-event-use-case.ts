import { getLogger } from '@shop/platform/logging';
import { changeOrderOnce, findSagaContext, recordProcessed, type InboxEntry } from '../data-access/order-change-repository';
import type { OrderDb } from '../data-access/database';
import { decideSagaStep, type SagaEvent, type SettledEffect } from './saga-rules';

const log = getLogger('apply-saga-event');

// Inbox keys, one per kind of result (platform/src/inbox). payment-result is the key payment
// results had before the saga, so a message in flight across the upgrade is still recognised.
const HANDLERS: Record<SagaEvent['type'], string> = {
  'stock.reserved': 'order-service:stock-result',
  'stock.rejected': 'order-service:stock-result',
  'payment.succeeded': 'order-service:payment-result',
  'payment.failed': 'order-service:payment-result',
  'payment.refunded': 'order-service:payment-refunded',
};

export type SagaEffect = 'applied' | 'duplicate' | 'unknown-order' | SettledEffect;

/**
 * Applies what catalog- or payment-service reported about an order, once per message id. One
 * read, then the saga's rules decide; the change, the inbox row and the change's events commit
 * together in one statement, and only if the order is still in the status the decision was made
 * on. A concurrent change since the read writes nothing and throws, so the bus retries the
 * message, which is then decided on the new status.
 */
export async function applySagaEvent(db: OrderDb, messageId: string, event: SagaEvent): Promise<SagaEffect> {
  const inbox = { messageId, handler: HANDLERS[event.type] };
  const { alreadyProcessed, order } = await findSagaContext(db, inbox, event.orderId);
  if (alreadyProcessed) return 'duplicate';
  if (!order) {
    return settleWithoutChange(db, inbox, 'unknown-order', () => log.warn('Saga event for an unknown order', { type: event.type, orderId: event.orderId }));
  }
  const decision = decideSagaStep(order, event);
  if (decision.kind === 'settle') {
    return settleWithoutChange(db, inbox, decision.effect, () => {
      // Retrying cannot help a result that does not fit the order: it is settled, and said so once.
      if (decision.effect === 'rejected') log.warn('Saga event rejected by the order status', { type: event.type, orderId: order.id, status: order.status });
    });
  }
  const outcome = await changeOrderOnce(db, order.id, decision.change, inbox);
  if (outcome.result === 'status-changed') throw new Error(`Order ${order.id} changed while applying ${event.type}`);
  return outcome.result;
}

/** Records a message that changes nothing, so its redeliveries are duplicates; reports (once) only when it is new. */
async function settleWithoutChange(db: OrderDb, inbox: InboxEntry, effect: Exclude<SagaEffect, 'applied' | 'duplicate'>, report: () => void): Promise<SagaEffect> {
  if (!(await recordProcessed(db, inbox))) return 'duplicate';
  report();
  return effect;
}
