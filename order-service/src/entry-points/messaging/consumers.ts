import type { EventBus } from '@shop/platform/messaging';
import type { OrderDb } from '../../data-access/database';
import { onPaymentFailed } from './on-payment-failed';
import { onPaymentSucceeded } from './on-payment-succeeded';
import { onProductChanged, PRODUCT_EVENTS } from './on-product-changed';

/** Every event order-service consumes. */
export function subscribeOrderConsumers(bus: EventBus, db: OrderDb): void {
  bus.subscribe(onPaymentSucceeded(db));
  bus.subscribe(onPaymentFailed(db));
  for (const type of PRODUCT_EVENTS) bus.subscribe(onProductChanged(db, type));
}
