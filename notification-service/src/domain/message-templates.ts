import { formatMoney } from './money-format';
import { describePaymentFailure } from './payment-failure-reasons';

// One message per event type: pure functions from the facts an event carries to a subject and
// a text/plain body. Mails are plain text only: no HTML part exists, so nothing a customer
// typed (their name, an item name) can ever be interpreted as markup.

/** What a mail says; the recipient comes from the event, not from here. */
export interface RenderedMessage {
  subject: string;
  text: string;
}

interface Customer {
  email: string;
  name: string;
}

export interface OrderCreatedFacts {
  orderId: string;
  customer: Customer;
  items: ReadonlyArray<{ name: string; quantity: number; unitPriceCents: number }>;
  totalCents: number;
  currency: string;
}

export interface OrderPaidFacts {
  orderId: string;
  customer: Customer;
  paymentId: string;
  totalCents: number;
  currency: string;
}

export interface PaymentFailedFacts {
  orderId: string;
  customer: Customer;
  reason: string;
  totalCents: number;
  currency: string;
}

const SIGNATURE = 'Microshop';

/** `order.created` → "We received your order 1A2B3C4D" with the lines and the total. */
export function renderOrderCreated(facts: OrderCreatedFacts): RenderedMessage {
  const money = (minor: number) => formatMoney(minor, facts.currency);
  const lines = facts.items.map(
    (item) => `- ${item.quantity} x ${oneLine(item.name)} at ${money(item.unitPriceCents)} = ${money(item.quantity * item.unitPriceCents)}`,
  );
  return {
    subject: `We received your order ${orderRef(facts.orderId)}`,
    text: paragraphs(
      greeting(facts.customer),
      `thank you for your order ${orderRef(facts.orderId)}. This is what you ordered:`,
      lines.join('\n'),
      `Total: ${money(facts.totalCents)}`,
      'We will write again as soon as your payment has gone through.',
      `Order reference: ${facts.orderId}`,
      SIGNATURE,
    ),
  };
}

/** `order.paid` → "Payment received for order 1A2B3C4D" with the amount. */
export function renderOrderPaid(facts: OrderPaidFacts): RenderedMessage {
  return {
    subject: `Payment received for order ${orderRef(facts.orderId)}`,
    text: paragraphs(
      greeting(facts.customer),
      `we received your payment of ${formatMoney(facts.totalCents, facts.currency)} for order ${orderRef(facts.orderId)}. Thank you!`,
      `Payment reference: ${facts.paymentId}\nOrder reference: ${facts.orderId}`,
      SIGNATURE,
    ),
  };
}

/** `order.payment_failed` → "Payment failed for order 1A2B3C4D" with the reason in words. */
export function renderPaymentFailed(facts: PaymentFailedFacts): RenderedMessage {
  return {
    subject: `Payment failed for order ${orderRef(facts.orderId)}`,
    text: paragraphs(
      greeting(facts.customer),
      `the payment of ${formatMoney(facts.totalCents, facts.currency)} for order ${orderRef(facts.orderId)} did not go through: ${describePaymentFailure(facts.reason)}.`,
      'You have not been charged. You are welcome to place the order again with another payment method.',
      `Order reference: ${facts.orderId}`,
      SIGNATURE,
    ),
  };
}

/** The short order reference customers see: the first 8 characters of the id, upper case. */
export function orderRef(orderId: string): string {
  return orderId.slice(0, 8).toUpperCase();
}

function greeting(customer: Customer): string {
  return `Hello ${oneLine(customer.name) || 'there'},`;
}

/** Text from outside (names) on one line: control characters and line breaks become spaces. */
function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').replace(/ {2,}/g, ' ').trim();
}

function paragraphs(...blocks: string[]): string {
  return `${blocks.join('\n\n')}\n`;
}
