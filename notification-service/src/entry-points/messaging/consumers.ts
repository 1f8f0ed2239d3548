import type { EventBus } from '@shop/platform/messaging';
import type { NotifyDeps } from '../../domain/notify-customer-use-case';
import { onOrderCreated } from './on-order-created';
import { onOrderPaid } from './on-order-paid';
import { onOrderPaymentFailed } from './on-order-payment-failed';

/** Every event notification-service consumes. */
export function subscribeNotificationConsumers(bus: EventBus, deps: NotifyDeps): void {
  bus.subscribe(onOrderCreated(deps));
  bus.subscribe(onOrderPaid(deps));
  bus.subscribe(onOrderPaymentFailed(deps));
}
