import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import { renderOrderRejected } from '../../domain/message-templates';
import { notifyCustomer, type NotifyDeps } from '../../domain/notify-customer-use-case';
import { orderFacts } from './order-event-fields';

const orderRejected = z.object({
  ...orderFacts,
  // The mail's wording is about stock; another reason needs its own wording, so until it has
  // one the message is dead-lettered rather than mailed with the wrong explanation.
  reason: z.literal('out_of_stock'),
  unavailable: z
    .array(
      z.object({
        sku: z.string().max(100),
        name: z.string().max(200),
        requested: z.number().int().positive(),
        available: z.number().int().nonnegative(),
      }),
    )
    .min(1)
    .max(100),
});

/** `order.rejected` → "We could not fulfil your order", listing the items out of stock, to the customer. */
export const onOrderRejected = (deps: NotifyDeps) =>
  defineSubscription('order.rejected', orderRejected, async (event) => {
    await notifyCustomer(deps, { eventId: event.id, eventType: event.type, ...event.payload }, renderOrderRejected(event.payload));
  });
