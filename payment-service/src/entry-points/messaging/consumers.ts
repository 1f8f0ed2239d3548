import type { EventBus } from '@shop/platform/messaging';
import type { PaymentDb } from '../../data-access/database';
import type { CardProcessor } from '../../domain/card-processor';
import { onOrderCancelled } from './on-order-cancelled';
import { onOrderRefundRequested } from './on-order-refund-requested';
import { onOrderStockConfirmed } from './on-order-stock-confirmed';
import { onUserDeleted } from './on-user-deleted';

/** What the consumers need: the database and the card processor. */
export interface PaymentConsumerDeps {
  db: PaymentDb;
  processor: CardProcessor;
}

/** Every event payment-service consumes. */
export function subscribePaymentConsumers(bus: EventBus, deps: PaymentConsumerDeps): void {
  bus.subscribe(onOrderStockConfirmed(deps));
  bus.subscribe(onOrderCancelled(deps));
  bus.subscribe(onOrderRefundRequested(deps));
  bus.subscribe(onUserDeleted(deps));
}
