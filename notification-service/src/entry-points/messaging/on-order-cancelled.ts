import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import { renderOrderCancelled } from '../../domain/message-templates';
import { notifyCustomer, type NotifyDeps } from '../../domain/notify-customer-use-case';
import { orderFacts } from './order-event-fields';

const orderCancelled = z.object({ ...orderFacts, previousStatus: z.enum(['PENDING', 'PAID']), paymentId: z.uuid().nullable() });

/** `order.cancelled` → "Your order is cancelled", saying whether a payment is refunded, to the customer. */
export const onOrderCancelled = (deps: NotifyDeps) =>
  defineSubscription('order.cancelled', orderCancelled, async (event) => {
    await notifyCustomer(deps, { eventId: event.id, eventType: event.type, ...event.payload }, renderOrderCancelled(event.payload));
  });
