import fc from 'fast-check';
import { assertCardAcceptable, detectBrand, isExpired, passesLuhn } from '../src/domain/card-rules';
import { CardBrandNotAccepted, CardExpired, CardNumberInvalid, PaymentError } from '../src/domain/payment-errors';

const NOW = new Date('2026-03-15T12:00:00Z');
const TEST_VISA = '4242424242424242';
const card = (cardNumber: string, expMonth = 12, expYear = 2030) => ({ cardNumber, expMonth, expYear });

// An independent Luhn check digit, so the tests do not trust the code under test.
function withCheckDigit(body: string): string {
  const sum = [...body]
    .reverse()
    .map(Number)
    .reduce((acc, digit, i) => acc + (i % 2 === 0 ? (digit * 2 > 9 ? digit * 2 - 9 : digit * 2) : digit), 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('card number', () => {
  test.each([
    ['4242 4242 4242 4242', 'visa', '4242'],
    ['4242424242424242', 'visa', '4242'],
    ['5555 5555 5555 4444', 'mastercard', '4444'],
    ['2223 0031 2200 3222', 'mastercard', '3222'],
    ['3782 822463 10005', 'amex', '0005'],
  ])('When the number is %s, then it is accepted as %s ending %s', (number, brand, last4) => {
    expect(assertCardAcceptable(card(number), NOW)).toEqual({ digits: number.replaceAll(' ', ''), brand, last4 });
  });

  test.each([
    ['11 digits', withCheckDigit('4242424242')],
    ['20 digits', withCheckDigit('4242424242424242424')],
    ['letters', '4242 4242 4242 424x'],
    ['dashes', '4242-4242-4242-4242'],
    ['nothing but spaces', '    '],
  ])('When the number has %s, then CardNumberInvalid (format)', (_, number) => {
    const error = errorOf(() => assertCardAcceptable(card(number), NOW));

    expect(error).toBeInstanceOf(CardNumberInvalid);
    expect(error).toMatchObject({ code: 'card-number-invalid', httpStatus: 400, details: { rule: 'format' } });
  });

  test('When the checksum is wrong, then CardNumberInvalid (checksum), a PaymentError', () => {
    const error = errorOf(() => assertCardAcceptable(card('4242 4242 4242 4241'), NOW));

    expect(error).toBeInstanceOf(PaymentError);
    expect(error).toMatchObject({ code: 'card-number-invalid', details: { rule: 'checksum' } });
  });

  test('When the number is 12 or 19 digits, then its length is accepted', () => {
    expect(assertCardAcceptable(card(withCheckDigit('42424242424')), NOW).brand).toBe('visa');
    expect(assertCardAcceptable(card(withCheckDigit('424242424242424242')), NOW).brand).toBe('visa');
  });
});

describe('brand', () => {
  test.each([
    ['4', 'visa'],
    ['51', 'mastercard'],
    ['55', 'mastercard'],
    ['2221', 'mastercard'],
    ['2720', 'mastercard'],
    ['34', 'amex'],
    ['37', 'amex'],
    ['50', undefined],
    ['56', undefined],
    ['2220', undefined],
    ['2721', undefined],
    ['35', undefined],
    ['6011', undefined],
  ])('When the number starts with %s, then the brand is %s', (prefix, brand) => {
    expect(detectBrand(prefix.padEnd(16, '0'))).toBe(brand);
  });

  test.each([
    ['Discover', '6011 1111 1111 1117'],
    ['JCB', '3530 1113 3330 0000'],
    ['Mastercard-like 2721', withCheckDigit('272100000000000')],
  ])('When a valid %s number is given, then CardBrandNotAccepted', (_, number) => {
    const error = errorOf(() => assertCardAcceptable(card(number), NOW));

    expect(error).toBeInstanceOf(CardBrandNotAccepted);
    expect(error).toMatchObject({ code: 'card-brand-not-accepted', httpStatus: 400 });
  });
});

describe('expiry', () => {
  test.each([
    [3, 2026, new Date('2026-03-01T00:00:00Z')],
    [3, 2026, new Date('2026-03-31T23:59:59Z')],
    [4, 2026, NOW],
    [1, 2027, NOW],
  ])('When the card expires %i/%i and it is %s, then it is still valid', (month, year, now) => {
    expect(isExpired(month, year, now)).toBe(false);
    expect(assertCardAcceptable(card(TEST_VISA, month, year), now).last4).toBe('4242');
  });

  test.each([
    [3, 2026, new Date('2026-04-01T00:00:00Z')],
    [2, 2026, NOW],
    [12, 2025, NOW],
  ])('When the card expired %i/%i and it is %s, then CardExpired', (month, year, now) => {
    const error = errorOf(() => assertCardAcceptable(card(TEST_VISA, month, year), now));

    expect(error).toBeInstanceOf(CardExpired);
    expect(error).toMatchObject({ code: 'card-expired', httpStatus: 400 });
  });

  test('When the number is bad and the card expired, then the number rule is reported first', () => {
    expect(errorOf(() => assertCardAcceptable(card('4242 4242 4242 4241', 1, 2020), NOW))).toBeInstanceOf(CardNumberInvalid);
  });
});

describe('properties', () => {
  const visaBody = fc.integer({ min: 12, max: 19 }).chain((length) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length - 2, maxLength: length - 2 }));
  const anyValidNumber = fc
    .integer({ min: 12, max: 19 })
    .chain((length) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length - 1, maxLength: length - 1 }))
    .map(withCheckDigit);

  test('When any Luhn-valid number starts with 4, then it is accepted as a Visa', () => {
    fc.assert(
      fc.property(visaBody, (rest) => {
        const number = withCheckDigit(`4${rest}`);
        const accepted = assertCardAcceptable(card(number), NOW);
        return accepted.brand === 'visa' && accepted.last4 === number.slice(-4);
      }),
    );
  });

  test('When any single digit of a valid number changes, then the checksum fails', () => {
    const mutation = anyValidNumber.chain((number) =>
      fc.tuple(fc.constant(number), fc.nat({ max: number.length - 1 }), fc.integer({ min: 1, max: 9 })),
    );
    fc.assert(
      fc.property(mutation, ([number, position, delta]) => {
        const changed = (Number(number[position]) + delta) % 10;
        const mutated = `${number.slice(0, position)}${changed}${number.slice(position + 1)}`;
        return passesLuhn(number) && !passesLuhn(mutated);
      }),
    );
  });
});
