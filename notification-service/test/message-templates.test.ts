import fc from 'fast-check';
import { orderRef, renderOrderCancelled, renderOrderCreated, renderOrderPaid, renderOrderRefunded, renderOrderRejected, renderPaymentFailed } from '../src/domain/message-templates';
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
      renderOrderRejected({ orderId, customer, unavailable: [{ sku: 'MUG-7', name: 'Mug', requested: 1, available: 0 }] }),
      renderOrderCancelled({ orderId, customer, previousStatus: 'PAID', paymentId: 'p', totalCents: 500, currency: 'EUR' }),
      renderOrderRefunded({ orderId, customer, paymentId: 'p', totalCents: 500, currency: 'EUR' }),
    ];

    for (const message of messages) {
      expect(message.text).not.toMatch(/<[a-z/!]/i);
      expect(message.subject).not.toMatch(/[\r\n]/);
    }
  });
});

describe('renderOrderRejected', () => {
  test('When an out-of-stock order is rendered, then each missing item shows what was asked and what is left, and the customer reads they were not charged', () => {
    const message = renderOrderRejected({
      orderId,
      customer,
      unavailable: [
        { sku: 'BOOK-1', name: 'Book', requested: 3, available: 1 },
        { sku: 'MUG-7', name: 'Mug', requested: 1, available: 0 },
      ],
    });

    expect(message.subject).toBe('We could not fulfil your order 1A2B3C4D');
    expect(message.text).toContain('Hello Ada Lovelace,');
    expect(message.text).toContain('\n- Book: you asked for 3, 1 available\n- Mug: you asked for 1, 0 available\n');
    expect(message.text).toContain('You have not been charged.');
    expect(message.text).toContain(`Order reference: ${orderId}`);
  });

  test('When an item name carries line breaks, then each item stays on one line and no line can pose as another item', () => {
    const message = renderOrderRejected({
      orderId,
      customer: { ...customer, name: 'Mallory\r\nBcc: victim@example.test' },
      unavailable: [{ sku: 'MUG-7', name: 'Mug\n- Book: you asked for 1, 9\u2028available', requested: 2, available: 1 }],
    });

    expect(message.text).toContain('Hello Mallory Bcc: victim@example.test,');
    expect(message.text.split('\n').filter((line) => line.startsWith('- '))).toEqual(['- Mug - Book: you asked for 1, 9 available: you asked for 2, 1 available']);
  });

  test('When an item name is blank, then its SKU names it', () => {
    const message = renderOrderRejected({ orderId, customer, unavailable: [{ sku: 'MUG-7', name: ' \n', requested: 2, available: 1 }] });

    expect(message.text).toContain('\n- MUG-7: you asked for 2, 1 available\n');
  });
});

describe('renderOrderCancelled', () => {
  test('When a paid order is cancelled, then the mail says the payment of the order total will be refunded', () => {
    const message = renderOrderCancelled({ orderId, customer, previousStatus: 'PAID', paymentId: 'pay-1', totalCents: 4498, currency: 'EUR' });

    expect(message.subject).toBe('Your order 1A2B3C4D is cancelled');
    expect(message.text).toContain('your order 1A2B3C4D has been cancelled.');
    expect(message.text).toContain('Your payment of €44.98 will be refunded');
    expect(message.text).toContain('Payment reference: pay-1\nOrder reference: 1a2b3c4d-0000-4000-8000-000000000000');
    expect(message.text).not.toContain('If a payment for it went through');
  });

  test('When a pending order is cancelled, then the mail does not claim nothing was charged but says a payment that went through is refunded', () => {
    const message = renderOrderCancelled({ orderId, customer, previousStatus: 'PENDING', paymentId: null, totalCents: 4498, currency: 'EUR' });

    expect(message.subject).toBe('Your order 1A2B3C4D is cancelled');
    expect(message.text).toContain('If a payment for it went through, it will be refunded automatically.');
    expect(message.text).not.toMatch(/not been charged|nothing was charged|Payment reference/);
    expect(message.text).not.toContain('€44.98');
  });

  test('When the name carries line breaks, then the greeting stays on one line', () => {
    const message = renderOrderCancelled({ orderId, customer: { ...customer, name: 'Eve\nPayment reference: fake' }, previousStatus: 'PENDING', paymentId: null, totalCents: 1, currency: 'EUR' });

    expect(message.text.split('\n')[0]).toBe('Hello Eve Payment reference: fake,');
    expect(message.text.split('\n').filter((line) => line.startsWith('Payment reference:'))).toEqual([]);
  });
});

describe('renderOrderRefunded', () => {
  test('When a refund is rendered, then the subject and the body carry the amount in the currency of the order and the payment reference', () => {
    const message = renderOrderRefunded({ orderId, customer, paymentId: 'pay-1', totalCents: 129_900, currency: 'JPY' });

    expect(message.subject).toBe('Refund of ¥129,900 for order 1A2B3C4D');
    expect(message.text).toContain('we have refunded your payment of ¥129,900 for order 1A2B3C4D.');
    expect(message.text).toContain('Payment reference: pay-1\nOrder reference: 1a2b3c4d-0000-4000-8000-000000000000');
  });

  test('When the name carries line breaks, then no line of the body can pose as a reference', () => {
    const message = renderOrderRefunded({ orderId, customer: { ...customer, name: 'Eve\r\nPayment reference: fake' }, paymentId: 'pay-1', totalCents: 500, currency: 'EUR' });

    expect(message.text.split('\n').filter((line) => line.startsWith('Payment reference:'))).toEqual(['Payment reference: pay-1']);
  });
});

test('When an order id is shortened, then its first 8 characters upper case are the reference', () => {
  expect(orderRef(orderId)).toBe('1A2B3C4D');
});
