import type { EventBus } from '@shop/platform/messaging';
import type { ChargeOrderDeps } from '../../domain/charge-order-use-case';
import { onOrderCreated } from './on-order-created';

/** Every event payment-service consumes. */
export function subscribePaymentConsumers(bus: EventBus, deps: ChargeOrderDeps): void {
  bus.subscribe(onOrderCreated(deps));
}
