import type { EventBus } from '@shop/platform/messaging';
import type { OrderDb } from '../../data-access/database';
import { onPaymentFailed } from './on-payment-failed';
import { onPaymentRefunded } from './on-payment-refunded';
import { onPaymentSucceeded } from './on-payment-succeeded';
import { onProductChanged, PRODUCT_EVENTS } from './on-product-changed';
import { onStockRejected } from './on-stock-rejected';
import { onStockReserved } from './on-stock-reserved';
import { onUserDeleted } from './on-user-deleted';

/** Every event order-service consumes. */
export function subscribeOrderConsumers(bus: EventBus, db: OrderDb): void {
  bus.subscribe(onStockReserved(db));
  bus.subscribe(onStockRejected(db));
  bus.subscribe(onPaymentSucceeded(db));
  bus.subscribe(onPaymentFailed(db));
  bus.subscribe(onPaymentRefunded(db));
  bus.subscribe(onUserDeleted(db));
  for (const type of PRODUCT_EVENTS) bus.subscribe(onProductChanged(db, type));
}
