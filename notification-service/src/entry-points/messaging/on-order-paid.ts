import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import { renderOrderPaid } from '../../domain/message-templates';
import { notifyCustomer, type NotifyDeps } from '../../domain/notify-customer-use-case';
import { orderFacts } from './order-event-fields';

const orderPaid = z.object({ ...orderFacts, paymentId: z.uuid() });

/** `order.paid` → "Payment received" to the customer. */
export const onOrderPaid = (deps: NotifyDeps) =>
  defineSubscription('order.paid', orderPaid, async (event) => {
    await notifyCustomer(deps, { eventId: event.id, eventType: event.type, ...event.payload }, renderOrderPaid(event.payload));
  });
