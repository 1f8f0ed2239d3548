import { CardBrandNotAccepted, CardExpired, CardNumberInvalid } from './payment-errors';

export const CARD_BRANDS = ['visa', 'mastercard', 'amex'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

// Business rule: the brands our acquiring contract covers.
const ACCEPTED_BRANDS: ReadonlySet<CardBrand> = new Set(CARD_BRANDS);

/** What a customer typed for a card. */
export interface CardInput {
  cardNumber: string;
  expMonth: number;
  expYear: number;
}

/** A card that passed every rule: what we may keep of it is brand and last four digits. */
export interface AcceptedCard {
  digits: string;
  brand: CardBrand;
  last4: string;
}

/** The digits of a number as typed: spaces (as printed on cards) removed. */
export function normalizeCardNumber(cardNumber: string): string {
  return cardNumber.replaceAll(' ', '');
}

/** True when a string of digits passes the Luhn checksum. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Every second digit from the right is doubled; a two-digit product counts its digit sum.
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The brand a number's prefix belongs to, or undefined for a brand we do not know. */
export function detectBrand(digits: string): CardBrand | undefined {
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  if (digits.startsWith('4')) return 'visa';
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'mastercard';
  if (two === 34 || two === 37) return 'amex';
  return undefined;
}

/** True once the expiry month is over: a card is valid through the last day of that month (UTC). */
export function isExpired(expMonth: number, expYear: number, now: Date): boolean {
  const monthIndex = (year: number, zeroBasedMonth: number) => year * 12 + zeroBasedMonth;
  return monthIndex(expYear, expMonth - 1) < monthIndex(now.getUTCFullYear(), now.getUTCMonth());
}

/**
 * Applies the card rules in order (number well formed → Luhn → brand accepted → not expired)
 * and throws the first failed rule's error; returns what may be kept of the card.
 */
export function assertCardAcceptable(card: CardInput, now: Date): AcceptedCard {
  const digits = normalizeCardNumber(card.cardNumber);
  if (!/^\d{12,19}$/.test(digits)) throw new CardNumberInvalid('format');
  if (!passesLuhn(digits)) throw new CardNumberInvalid('checksum');
  const brand = detectBrand(digits);
  if (!brand || !ACCEPTED_BRANDS.has(brand)) throw new CardBrandNotAccepted();
  if (isExpired(card.expMonth, card.expYear, now)) throw new CardExpired();
  return { digits, brand, last4: digits.slice(-4) };
}
