import { z } from 'zod';

// Our own copies of the fields we read from order-service's events (order.* v1); anything
// else in the payload is ignored, and a payload without these fields is dead-lettered.

export const customer = z.object({ email: z.email().max(254), name: z.string().max(200) });

export const orderFacts = {
  orderId: z.uuid(),
  userId: z.uuid(),
  customer,
  totalCents: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as EUR'),
};
