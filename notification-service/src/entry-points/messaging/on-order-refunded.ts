import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import { renderOrderRefunded } from '../../domain/message-templates';
import { notifyCustomer, type NotifyDeps } from '../../domain/notify-customer-use-case';
import { orderFacts } from './order-event-fields';

const orderRefunded = z.object({ ...orderFacts, paymentId: z.uuid() });

/** `order.refunded` → "Refund of €X for order …" with the payment reference, to the customer. */
export const onOrderRefunded = (deps: NotifyDeps) =>
  defineSubscription('order.refunded', orderRefunded, async (event) => {
    await notifyCustomer(deps, { eventId: event.id, eventType: event.type, ...event.payload }, renderOrderRefunded(event.payload));
  });
