// Business rule: customers read why a payment failed in words, never as an internal code. An
// unknown code gets a neutral sentence rather than being echoed, since payment-service may add
// codes we have not worded yet (or that say more than a customer should read).

const REASONS: Readonly<Record<string, string>> = {
  card_declined: 'your card was declined',
  insufficient_funds: 'your card has insufficient funds',
  card_expired: 'your card has expired',
  expired_card: 'your card has expired',
  card_invalid: 'the card details are not valid',
  invalid_card: 'the card details are not valid',
  card_brand_not_accepted: 'we do not accept this card brand',
  payment_method_not_found: 'we could not find the payment method you chose',
  processing_error: 'the payment could not be processed',
};

/** The fallback for codes without wording. */
export const UNKNOWN_PAYMENT_FAILURE = 'the payment was not accepted';

/** "card_declined" (or "card-declined", "CARD_DECLINED") → "your card was declined". */
export function describePaymentFailure(reason: string): string {
  const key = reason.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return Object.hasOwn(REASONS, key) ? REASONS[key]! : UNKNOWN_PAYMENT_FAILURE;
}
