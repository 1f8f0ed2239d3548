import type { CardBrand } from './card-rules';

/** A saved card: the processor's token and what may be shown, never the number. */
export interface PaymentMethod {
  id: string;
  userId: string;
  /** Opaque processor token; never leaves the service. */
  token: string;
  brand: CardBrand;
  last4: string;
  expMonth: number;
  expYear: number;
  holderName: string | null;
  createdAt: Date;
  deletedAt: Date | null;
}

/** Business rule: only the order's owner's own, not deleted, method may be charged. */
export function isChargeableFor(method: PaymentMethod | null, userId: string): method is PaymentMethod {
  return method !== null && method.deletedAt === null && method.userId === userId;
}

/** The method as clients get it: no token (and there is no number to leak). */
export function toPaymentMethodResponse(method: PaymentMethod) {
  return {
    id: method.id,
    brand: method.brand,
    last4: method.last4,
    expMonth: method.expMonth,
    expYear: method.expYear,
    ...(method.holderName ? { holderName: method.holderName } : {}),
  };
}

export type PaymentMethodResponse = ReturnType<typeof toPaymentMethodResponse>;
