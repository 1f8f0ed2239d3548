import { AppError, NotFoundError } from '@shop/platform/errors';

/**
 * Base of the card rules' errors. Each subclass is one rule, so a 400 names the rule that
 * failed (`card-number-invalid`, `card-brand-not-accepted`, `card-expired`).
 */
export abstract class PaymentError extends AppError {
  protected constructor(code: string, message: string, details?: unknown) {
    super({ code, message, httpStatus: 400, details });
  }
}

/** Which part of the number rule failed: its shape (12–19 digits) or its Luhn checksum. */
export type CardNumberProblem = 'format' | 'checksum';

/** 400: the number is not 12–19 digits, or fails the Luhn checksum. */
export class CardNumberInvalid extends PaymentError {
  constructor(readonly problem: CardNumberProblem) {
    super(
      'card-number-invalid',
      problem === 'format' ? 'Card number must be 12 to 19 digits' : 'Card number fails its checksum',
      { rule: problem },
    );
  }
}

/** 400: the number belongs to a brand we do not accept (or to none we know). */
export class CardBrandNotAccepted extends PaymentError {
  constructor() {
    super('card-brand-not-accepted', 'Only Visa, Mastercard and American Express cards are accepted');
  }
}

/** 400: the card's expiry month is over. */
export class CardExpired extends PaymentError {
  constructor() {
    super('card-expired', 'The card has expired');
  }
}

/** 404 for a missing, deleted or someone else's payment method: other users' ids are not revealed. */
export class PaymentMethodNotFound extends NotFoundError {
  constructor() {
    super('payment-method');
  }
}

/** 404 for a missing payment and for someone else's. */
export class PaymentNotFound extends NotFoundError {
  constructor() {
    super('payment');
  }
}
