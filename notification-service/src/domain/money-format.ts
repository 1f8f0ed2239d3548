// Amounts travel as integers in minor units plus an ISO 4217 code; they become text only here.

/** Locale of every mail (the shop writes in English). */
export const MAIL_LOCALE = 'en-US';

/**
 * "€44.98" for (4498, 'EUR'), "¥4,498" for (4498, 'JPY'): the currency's own number of minor
 * digits comes from Intl, and the amount is handed over as an exact decimal string, never as
 * a float that could round.
 */
export function formatMoney(minorUnits: number, currency: string): string {
  if (!Number.isSafeInteger(minorUnits)) throw new RangeError(`Amount must be an integer in minor units, got ${minorUnits}`);
  const format = formatterOf(currency);
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(toDecimalString(minorUnits, digits));
}

// Building an Intl.NumberFormat is costly (it showed in profiles); one per currency is kept.
const formatters = new Map<string, Intl.NumberFormat>();
function formatterOf(currency: string): Intl.NumberFormat {
  let format = formatters.get(currency);
  if (!format) {
    format = new Intl.NumberFormat(MAIL_LOCALE, { style: 'currency', currency });
    formatters.set(currency, format);
  }
  return format;
}

/** 4498 with 2 digits → "44.98"; -5 with 2 digits → "-0.05". */
function toDecimalString(minorUnits: number, digits: number): `${number}` {
  const sign = minorUnits < 0 ? '-' : '';
  const padded = String(Math.abs(minorUnits)).padStart(digits + 1, '0');
  const text = digits === 0 ? padded : `${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
  return `${sign}${text}` as `${number}`;
}
