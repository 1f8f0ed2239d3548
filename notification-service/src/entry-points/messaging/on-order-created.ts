import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import { renderOrderCreated } from '../../domain/message-templates';
import { notifyCustomer, type NotifyDeps } from '../../domain/notify-customer-use-case';
import { orderFacts } from './order-event-fields';

const orderCreated = z.object({
  ...orderFacts,
  items: z
    .array(z.object({ name: z.string().max(200), quantity: z.number().int().positive(), unitPriceCents: z.number().int().nonnegative() }))
    .min(1)
    .max(100),
});

/** `order.created` → "We received your order" to the customer. */
export const onOrderCreated = (deps: NotifyDeps) =>
  defineSubscription('order.created', orderCreated, async (event) => {
    await notifyCustomer(deps, { eventId: event.id, eventType: event.type, ...event.payload }, renderOrderCreated(event.payload));
  });
