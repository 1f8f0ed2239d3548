import { randomBytes, randomUUID } from 'node:crypto';
import { getLogger } from '@shop/platform/logging';
import { insertPaymentMethod } from '../data-access/payment-method-repository';
import type { PaymentDb } from '../data-access/database';
import { assertCardAcceptable, type CardInput } from './card-rules';
import { toPaymentMethodResponse, type PaymentMethodResponse } from './payment-method';

const log = getLogger('add-payment-method');

export interface AddPaymentMethodInput extends CardInput {
  holderName?: string | undefined;
}

// Shortcut: a real provider tokenizes the card (the number goes to it, a token comes back).
// Until then we mint a random token; either way the number is dropped right here.
const mintToken = () => `pm_tok_${randomBytes(16).toString('hex')}`;

/** Checks the card against the rules at `now`, then saves token, brand and last four digits only. */
export async function addPaymentMethod(
  db: PaymentDb,
  userId: string,
  input: AddPaymentMethodInput,
  now: Date,
): Promise<PaymentMethodResponse> {
  const card = assertCardAcceptable(input, now);
  const method = await insertPaymentMethod(db, {
    id: randomUUID(),
    userId,
    token: mintToken(),
    brand: card.brand,
    last4: card.last4,
    expMonth: input.expMonth,
    expYear: input.expYear,
    holderName: input.holderName ?? null,
  });
  log.info('Payment method added', { paymentMethodId: method.id, brand: method.brand, last4: method.last4 });
  return toPaymentMethodResponse(method);
}
