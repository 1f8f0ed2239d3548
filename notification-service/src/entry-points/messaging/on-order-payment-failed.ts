import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import { renderPaymentFailed } from '../../domain/message-templates';
import { notifyCustomer, type NotifyDeps } from '../../domain/notify-customer-use-case';
import { orderFacts } from './order-event-fields';

const orderPaymentFailed = z.object({ ...orderFacts, reason: z.string().min(1).max(100) });

/** `order.payment_failed` → "Payment failed", with the reason in words, to the customer. */
export const onOrderPaymentFailed = (deps: NotifyDeps) =>
  defineSubscription('order.payment_failed', orderPaymentFailed, async (event) => {
    await notifyCustomer(deps, { eventId: event.id, eventType: event.type, ...event.payload }, renderPaymentFailed(event.payload));
  });
