import type { EventBus } from '@shop/platform/messaging';
import type { NotifyDeps } from '../../domain/notify-customer-use-case';
import { onOrderCancelled } from './on-order-cancelled';
import { onOrderCreated } from './on-order-created';
import { onOrderPaid } from './on-order-paid';
import { onOrderPaymentFailed } from './on-order-payment-failed';
import { onOrderRefunded } from './on-order-refunded';
import { onOrderRejected } from './on-order-rejected';
import { onUserDeleted } from './on-user-deleted';

/** Every event notification-service consumes. */
export function subscribeNotificationConsumers(bus: EventBus, deps: NotifyDeps): void {
  bus.subscribe(onOrderCreated(deps));
  bus.subscribe(onOrderPaid(deps));
  bus.subscribe(onOrderPaymentFailed(deps));
  bus.subscribe(onOrderRejected(deps));
  bus.subscribe(onOrderCancelled(deps));
  bus.subscribe(onOrderRefunded(deps));
  bus.subscribe(onUserDeleted(deps));
}
