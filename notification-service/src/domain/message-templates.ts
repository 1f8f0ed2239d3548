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

export interface OrderRejectedFacts {
  orderId: string;
  customer: Customer;
  unavailable: ReadonlyArray<{ sku: string; name: string; requested: number; available: number }>;
}

export interface OrderCancelledFacts {
  orderId: string;
  customer: Customer;
  previousStatus: 'PENDING' | 'PAID';
  paymentId: string | null;
  totalCents: number;
  currency: string;
}

export interface OrderRefundedFacts {
  orderId: string;
  customer: Customer;
  paymentId: string;
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

/** `order.rejected` (out of stock) → "We could not fulfil your order 1A2B3C4D" listing what was missing. */
export function renderOrderRejected(facts: OrderRejectedFacts): RenderedMessage {
  // A name that is blank once flattened would leave "- : …"; the SKU still tells the item apart.
  const lines = facts.unavailable.map((item) => `- ${oneLine(item.name) || oneLine(item.sku)}: you asked for ${item.requested}, ${item.available} available`);
  return {
    subject: `We could not fulfil your order ${orderRef(facts.orderId)}`,
    text: paragraphs(
      greeting(facts.customer),
      `we are sorry: we could not fulfil your order ${orderRef(facts.orderId)}, because we do not have enough of these items in stock:`,
      lines.join('\n'),
      // Business rule: stock is reserved before any charge, so a rejected order was never charged.
      'You have not been charged. You are welcome to place the order again with the quantities we have.',
      `Order reference: ${facts.orderId}`,
      SIGNATURE,
    ),
  };
}

/** `order.cancelled` → "Your order 1A2B3C4D is cancelled", saying what happens to the money. */
export function renderOrderCancelled(facts: OrderCancelledFacts): RenderedMessage {
  // Business rule: a PENDING order may still have a charge in flight; order-service refunds it
  // when it lands, so the mail must not promise that nothing was charged.
  const money =
    facts.previousStatus === 'PAID'
      ? `Your payment of ${formatMoney(facts.totalCents, facts.currency)} will be refunded; we will write again once the refund has gone through.`
      : 'If a payment for it went through, it will be refunded automatically.';
  const references = facts.paymentId ? `Payment reference: ${facts.paymentId}\nOrder reference: ${facts.orderId}` : `Order reference: ${facts.orderId}`;
  return {
    subject: `Your order ${orderRef(facts.orderId)} is cancelled`,
    text: paragraphs(greeting(facts.customer), `your order ${orderRef(facts.orderId)} has been cancelled.`, money, references, SIGNATURE),
  };
}

/** `order.refunded` → "Refund of €44.98 for order 1A2B3C4D" with the payment refunded. */
export function renderOrderRefunded(facts: OrderRefundedFacts): RenderedMessage {
  const amount = formatMoney(facts.totalCents, facts.currency);
  return {
    subject: `Refund of ${amount} for order ${orderRef(facts.orderId)}`,
    text: paragraphs(
      greeting(facts.customer),
      `we have refunded your payment of ${amount} for order ${orderRef(facts.orderId)}. Depending on your bank, it can take a few days to show on your statement.`,
      `Payment reference: ${facts.paymentId}\nOrder reference: ${facts.orderId}`,
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
