import { getLogger } from '@shop/platform/logging';
import { insertCancelledOrderOnce } from '../data-access/cancelled-order-repository';
import type { PaymentDb } from '../data-access/database';

const log = getLogger('remember-cancelled-order');

// Inbox key of this handler (platform/src/messaging/inbox.ts).
const HANDLER = 'payment-service:remember-cancelled-order';

/**
 * Remembers that an order was cancelled, so an `order.stock_confirmed` that comes later (the
 * saga raced the customer) charges nothing. Only an optimisation: a charge already made or in
 * flight is refunded through `order.refund_requested`, which order-service sends.
 */
export async function rememberCancelledOrder(db: PaymentDb, messageId: string, orderId: string): Promise<void> {
  if (await insertCancelledOrderOnce(db, messageId, HANDLER, orderId)) log.info('Order cancelled: it will not be charged', { orderId });
}
