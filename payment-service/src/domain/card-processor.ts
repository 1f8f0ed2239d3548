import { AppError } from '@shop/platform/errors';
import type { CardBrand } from './card-rules';

/** One charge as the processor sees it: a token, never a card number. */
export interface ChargeRequest {
  paymentMethod: { token: string; brand: CardBrand; last4: string };
  amountCents: number;
  currency: string;
  /** The processor charges one key at most once and answers a repeat with the first result. We pass the order id. */
  idempotencyKey: string;
  /**
   * Delivery attempt of the event that asked for the charge (1 = first). A real provider
   * ignores it; the simulation uses it to fail deterministically across replicas and restarts.
   */
  attempt: number;
}

/** The processor's definite answer. A declined card is an answer, not an error. */
export type ChargeResult = { outcome: 'succeeded'; processorChargeId: string } | { outcome: 'failed'; reason: string };

/** Gives a succeeded charge back, in full. */
export interface RefundRequest {
  processorChargeId: string;
  amountCents: number;
  currency: string;
  /** The processor refunds one key at most once and answers a repeat with the first refund. We derive it from the payment id. */
  idempotencyKey: string;
}

/** The processor refunded the charge. A refund of a charge it holds is not declined. */
export interface RefundResult {
  processorRefundId: string;
}

/** Charges cards. The simulated processor implements it today; a real provider's client would replace it. */
export interface CardProcessor {
  /** Resolves with the processor's answer; throws ProcessorUnavailable when there is none (try again later). */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /** Resolves once the charge is refunded; throws ProcessorUnavailable when there is no answer (try again later). */
  refund(request: RefundRequest): Promise<RefundResult>;
}

/** The processor gave no answer (down, timed out): transient, so the charge or refund is retried later. */
export class ProcessorUnavailable extends AppError {
  constructor(reason: string, cause?: unknown) {
    super({ code: 'card-processor-unavailable', message: `Card processor unavailable: ${reason}`, httpStatus: 503, cause });
  }
}
