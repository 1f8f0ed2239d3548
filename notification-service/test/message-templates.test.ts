import fc from 'fast-check';
import { orderRef, renderOrderCreated, renderOrderPaid, renderPaymentFailed } from '../src/domain/message-templates';
import { formatMoney } from '../src/domain/money-format';
import { describePaymentFailure, UNKNOWN_PAYMENT_FAILURE } from '../src/domain/payment-failure-reasons';

const orderId = '1a2b3c4d-0000-4000-8000-000000000000';
const customer = { email: 'ada@example.test', name: 'Ada Lovelace' };

describe('formatMoney', () => {
  test.each([
    [4498, 'EUR', '€44.98'],
    [5, 'USD', '$0.05'],
    [100_000_000, 'GBP', '£1,000,000.00'],
    [4498, 'JPY', '¥4,498'],
    [1234, 'KWD', 'KWD 1.234'],
    [0, 'EUR', '€0.00'],
  ])('When %i minor units of %s are formatted, then %s', (minor, currency, expected) => {
    expect(formatMoney(minor, currency).replace(/\u00a0/g, ' ')).toBe(expected);
  });

  test('When any whole number of cents is formatted, then the digits are exactly those cents (no float rounding)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), (cents) => {
        expect(Number(formatMoney(cents, 'USD').replace(/[$,]/g, '').replace('.', ''))).toBe(cents);
      }),
    );
  });

  test('When the amount is not an integer of minor units, then it is refused', () => {
    expect(() => formatMoney(44.98, 'EUR')).toThrow(RangeError);
  });
});

describe('describePaymentFailure', () => {
  test.each([
    ['card_declined', 'your card was declined'],
    ['card-declined', 'your card was declined'],
    ['CARD_EXPIRED', 'your card has expired'],
    ['insufficient_funds', 'your card has insufficient funds'],
  ])('When the reason is %s, then it reads "%s"', (reason, words) => {
    expect(describePaymentFailure(reason)).toBe(words);
  });

  test.each([['fraud_rule_42'], ['constructor'], ['']])('When the reason %p has no wording, then a neutral sentence is used and the code is not echoed', (reason) => {
    expect(describePaymentFailure(reason)).toBe(UNKNOWN_PAYMENT_FAILURE);
  });
});

describe('renderOrderCreated', () => {
  test('When an order is rendered, then the subject names the order and the body lists each line and the total', () => {
    const message = renderOrderCreated({
      orderId,
      customer,
      items: [
        { name: 'Book', quantity: 2, unitPriceCents: 1999 },
        { name: 'Mug', quantity: 1, unitPriceCents: 500 },
      ],
      totalCents: 4498,
      currency: 'EUR',
    });

    expect(message.subject).toBe('We received your order 1A2B3C4D');
    expect(message.text).toContain('Hello Ada Lovelace,');
    expect(message.text).toContain('- 2 x Book at €19.99 = €39.98\n- 1 x Mug at €5.00 = €5.00');
    expect(message.text).toContain('Total: €44.98');
    expect(message.text).toContain(`Order reference: ${orderId}`);
  });

  test('When a name carries line breaks or control characters, then it stays on one line of the text', () => {
    const message = renderOrderCreated({
      orderId,
      customer: { ...customer, name: 'Mallory\r\nBcc: victim@example.test' },
      items: [{ name: 'Mug\nTotal: €0.00', quantity: 1, unitPriceCents: 500 }],
      totalCents: 500,
      currency: 'EUR',
    });

    expect(message.text).toContain('Hello Mallory Bcc: victim@example.test,');
    expect(message.text).toContain('- 1 x Mug Total: €0.00 at €5.00 = €5.00');
    expect(message.text.split('\n').filter((line) => line.startsWith('Total:'))).toEqual(['Total: €5.00']);
  });

  test('When the name is empty, then the greeting still reads well', () => {
    const message = renderOrderCreated({ orderId, customer: { ...customer, name: ' ' }, items: [{ name: 'Mug', quantity: 1, unitPriceCents: 500 }], totalCents: 500, currency: 'EUR' });

    expect(message.text.startsWith('Hello there,\n')).toBe(true);
  });
});

describe('renderOrderPaid', () => {
  test('When a payment is rendered, then the amount and both references are in it', () => {
    const message = renderOrderPaid({ orderId, customer, paymentId: 'pay-1', totalCents: 4498, currency: 'USD' });

    expect(message.subject).toBe('Payment received for order 1A2B3C4D');
    expect(message.text).toContain('we received your payment of $44.98 for order 1A2B3C4D');
    expect(message.text).toContain('Payment reference: pay-1\nOrder reference: 1a2b3c4d-0000-4000-8000-000000000000');
  });
});

describe('renderPaymentFailed', () => {
  test('When a failed payment is rendered, then the reason reads as words and the code does not appear', () => {
    const message = renderPaymentFailed({ orderId, customer, reason: 'card_declined', totalCents: 4498, currency: 'EUR' });

    expect(message.subject).toBe('Payment failed for order 1A2B3C4D');
    expect(message.text).toContain('the payment of €44.98 for order 1A2B3C4D did not go through: your card was declined.');
    expect(message.text).not.toContain('card_declined');
  });

  test('When any template is rendered, then it is plain text without markup', () => {
    const messages = [
      renderOrderCreated({ orderId, customer, items: [{ name: 'Mug', quantity: 1, unitPriceCents: 500 }], totalCents: 500, currency: 'EUR' }),
      renderOrderPaid({ orderId, customer, paymentId: 'p', totalCents: 500, currency: 'EUR' }),
      renderPaymentFailed({ orderId, customer, reason: 'x', totalCents: 500, currency: 'EUR' }),
    ];

    for (const message of messages) {
      expect(message.text).not.toMatch(/<[a-z/!]/i);
      expect(message.subject).not.toMatch(/[\r\n]/);
    }
  });
});

test('When an order id is shortened, then its first 8 characters upper case are the reference', () => {
  expect(orderRef(orderId)).toBe('1A2B3C4D');
});
