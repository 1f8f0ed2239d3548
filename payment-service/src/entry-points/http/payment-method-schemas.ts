import { z } from '@shop/platform/openapi';
import { CARD_BRANDS } from '../../domain/card-rules';

// Request and response shapes; the same schemas validate input and produce the OpenAPI document.
// The card rules (length, Luhn, brand, expiry) live in domain/card-rules.ts, so a 400 can name
// the rule; here only the shape is checked. No cvc field: we must not receive it, let alone keep it.

export const addPaymentMethodBody = z
  .object({
    cardNumber: z.string().min(1).max(40).openapi({ example: '4242 4242 4242 4242', description: 'Digits, spaces allowed' }),
    expMonth: z.number().int().min(1).max(12),
    expYear: z.number().int().min(2000).max(2099),
    holderName: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .openapi('AddPaymentMethod');

export const paymentMethodIdParams = z.object({ id: z.uuid() });

export const paymentMethodResponse = z
  .object({
    id: z.uuid(),
    brand: z.enum(CARD_BRANDS),
    last4: z.string().length(4),
    expMonth: z.number().int(),
    expYear: z.number().int(),
    holderName: z.string().optional(),
  })
  .openapi('PaymentMethod');

export const paymentMethodList = z.object({ items: z.array(paymentMethodResponse) }).openapi('PaymentMethodList');
