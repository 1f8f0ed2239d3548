import { randomUUID } from 'node:crypto';
import { MessageCollector, TEST_BROKER_URL, waitFor } from '@shop/platform/testing';
import request from 'supertest';
import { buildOrderCancelled, buildOrderCreated, buildOrderPaid, buildOrderPaymentFailed, buildOrderRefunded, buildOrderRejected, recipientOf } from './event-builders';
import { asUser, startNotificationServiceUnderTest, type NotificationServiceUnderTest } from './harness';
import { bodyOf, headerOf } from '@shop/platform/testing';

let sut: NotificationServiceUnderTest;
beforeAll(async () => {
  sut = await startNotificationServiceUnderTest();
});
afterAll(() => sut.stop());

interface NotificationItem {
  id: string;
  type: string;
  orderId: string;
  recipient: string;
  subject: string;
  status: string;
  createdAt: string;
  sentAt: string | null;
}

async function notificationsOf(userId: string): Promise<NotificationItem[]> {
  return (await request(sut.url).get('/notifications').set(asUser(userId)).expect(200)).body.items;
}

/** Waits until the user's notification is sent (the row commits just after the SMTP server answers). */
async function sentNotificationOf(userId: string): Promise<NotificationItem> {
  const sent = await waitFor(async () => (await notificationsOf(userId)).find((n) => n.status === 'sent'), { what: `a sent notification of ${userId}` });
  return sent!;
}

describe('order.created', () => {
  test('When order.created arrives, then the customer gets one mail listing the lines and the total, and a sent notification', async () => {
    const event = buildOrderCreated({ customer: { email: 'grace@example.test', name: 'Grace Hopper' } });

    await sut.publish(event);
    const [mail] = await sut.smtp.waitForMailsTo('grace@example.test');
    const notification = await sentNotificationOf(event.payload.userId);

    const subject = `We received your order ${event.payload.orderId.slice(0, 8).toUpperCase()}`;
    expect(mail!.to).toEqual(['grace@example.test']);
    expect(mail!.from).toBe('orders@microshop.local');
    expect(headerOf(mail!.raw, 'Subject')).toBe(subject);
    expect(headerOf(mail!.raw, 'To')).toBe('Grace Hopper <grace@example.test>');
    expect(headerOf(mail!.raw, 'Message-ID')).toBe(`<${event.id}@microshop.local>`);
    expect(headerOf(mail!.raw, 'Content-Type')).toMatch(/^text\/plain; charset=utf-8/);
    const body = bodyOf(mail!.raw);
    expect(body).toContain('Hello Grace Hopper,');
    expect(body).toContain('- 2 x The Art of Computer Programming at €19.99 = €39.98');
    expect(body).toContain('- 1 x Mug at €5.00 = €5.00');
    expect(body).toContain('Total: €44.98');
    expect(notification).toEqual({
      id: expect.any(String),
      type: 'order.created',
      orderId: event.payload.orderId,
      recipient: 'grace@example.test',
      subject,
      status: 'sent',
      createdAt: expect.any(String),
      sentAt: expect.any(String),
    });
  });
});

describe('order.paid', () => {
  test('When order.paid arrives, then the customer gets one mail with the amount paid in the currency of the order', async () => {
    const event = buildOrderPaid({ totalCents: 129_900, currency: 'JPY' });

    await sut.publish(event);
    const [mail] = await sut.smtp.waitForMailsTo(recipientOf(event));
    const notification = await sentNotificationOf(event.payload.userId);

    expect(headerOf(mail!.raw, 'Subject')).toBe(`Payment received for order ${event.payload.orderId.slice(0, 8).toUpperCase()}`);
    expect(bodyOf(mail!.raw)).toContain('we received your payment of ¥129,900 for order');
    expect(bodyOf(mail!.raw)).toContain(`Payment reference: ${event.payload.paymentId}`);
    expect(notification).toMatchObject({ type: 'order.paid', orderId: event.payload.orderId, status: 'sent' });
  });
});

describe('order.payment_failed', () => {
  test('When order.payment_failed arrives, then the customer reads the reason in words, not the code', async () => {
    const event = buildOrderPaymentFailed({ reason: 'card_declined', totalCents: 2500, currency: 'USD' });

    await sut.publish(event);
    const [mail] = await sut.smtp.waitForMailsTo(recipientOf(event));
    const notification = await sentNotificationOf(event.payload.userId);

    const body = bodyOf(mail!.raw);
    expect(headerOf(mail!.raw, 'Subject')).toBe(`Payment failed for order ${event.payload.orderId.slice(0, 8).toUpperCase()}`);
    expect(body).toContain('the payment of $25.00 for order');
    expect(body).toContain('did not go through: your card was declined.');
    expect(body).not.toContain('card_declined');
    expect(notification).toMatchObject({ type: 'order.payment_failed', status: 'sent' });
  });
});

/**
 * The Subject header as the customer reads it: nodemailer sends a non-ASCII subject (€) as RFC 2047
 * encoded words, which platform/testing's headerOf leaves encoded.
 */
function subjectOf(raw: string): string | undefined {
  const decodeWord = (_: string, encoding: string, text: string) =>
    encoding.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
  // Whitespace between two encoded words is not part of the text (RFC 2047 section 6.2).
  return headerOf(raw, 'Subject')?.replace(/\?=\s+=\?/g, '?==?').replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, decodeWord);
}

/** Waits until the event's delivery is acked, so a second mail, had there been one, was sent already. */
async function settled(type: string, ackedBefore: number): Promise<void> {
  await waitFor(async () => (await sut.consumed(type, 'acked')) > ackedBefore, { what: `${type} acked` });
}

describe('order.rejected', () => {
  test('When order.rejected arrives, then the customer gets one mail listing each item out of stock and saying they were not charged', async () => {
    const event = buildOrderRejected();
    const ackedBefore = await sut.consumed('order.rejected', 'acked');

    await sut.publish(event);
    const [mail] = await sut.smtp.waitForMailsTo(recipientOf(event));
    const notification = await sentNotificationOf(event.payload.userId);
    await settled('order.rejected', ackedBefore);

    const body = bodyOf(mail!.raw);
    expect(headerOf(mail!.raw, 'Subject')).toBe(`We could not fulfil your order ${event.payload.orderId.slice(0, 8).toUpperCase()}`);
    expect(body).toContain('- The Art of Computer Programming: you asked for 2, 1 available');
    expect(body).toContain('- Mug: you asked for 1, 0 available');
    expect(body).toContain('You have not been charged.');
    expect(sut.smtp.mailsTo(recipientOf(event))).toHaveLength(1);
    expect(notification).toMatchObject({ type: 'order.rejected', orderId: event.payload.orderId, status: 'sent' });
  });
});

describe('order.cancelled', () => {
  test('When a paid order is cancelled, then the customer gets one mail saying the payment will be refunded', async () => {
    const paymentId = randomUUID();
    const event = buildOrderCancelled({ previousStatus: 'PAID', paymentId, totalCents: 2500, currency: 'USD' });
    const ackedBefore = await sut.consumed('order.cancelled', 'acked');

    await sut.publish(event);
    const [mail] = await sut.smtp.waitForMailsTo(recipientOf(event));
    const notification = await sentNotificationOf(event.payload.userId);
    await settled('order.cancelled', ackedBefore);

    const body = bodyOf(mail!.raw);
    expect(headerOf(mail!.raw, 'Subject')).toBe(`Your order ${event.payload.orderId.slice(0, 8).toUpperCase()} is cancelled`);
    expect(body).toContain('Your payment of $25.00 will be refunded');
    expect(body).toContain(`Payment reference: ${paymentId}`);
    expect(sut.smtp.mailsTo(recipientOf(event))).toHaveLength(1);
    expect(notification).toMatchObject({ type: 'order.cancelled', orderId: event.payload.orderId, status: 'sent' });
  });

  test('When a pending order is cancelled, then the mail says a payment that went through is refunded automatically', async () => {
    const event = buildOrderCancelled({ previousStatus: 'PENDING', paymentId: null });

    await sut.publish(event);
    const [mail] = await sut.smtp.waitForMailsTo(recipientOf(event));

    const body = bodyOf(mail!.raw);
    expect(body).toContain('If a payment for it went through, it will be refunded automatically.');
    expect(body).not.toContain('will be refunded;');
  });
});

describe('order.refunded', () => {
  test('When order.refunded arrives, then the customer gets one mail with the amount refunded and the payment reference', async () => {
    const event = buildOrderRefunded({ totalCents: 4498, currency: 'EUR' });
    const ackedBefore = await sut.consumed('order.refunded', 'acked');

    await sut.publish(event);
    const [mail] = await sut.smtp.waitForMailsTo(recipientOf(event));
    const notification = await sentNotificationOf(event.payload.userId);
    await settled('order.refunded', ackedBefore);

    expect(subjectOf(mail!.raw)).toBe(`Refund of €44.98 for order ${event.payload.orderId.slice(0, 8).toUpperCase()}`);
    expect(bodyOf(mail!.raw)).toContain('we have refunded your payment of €44.98 for order');
    expect(bodyOf(mail!.raw)).toContain(`Payment reference: ${event.payload.paymentId}`);
    expect(sut.smtp.mailsTo(recipientOf(event))).toHaveLength(1);
    expect(notification).toMatchObject({ type: 'order.refunded', orderId: event.payload.orderId, status: 'sent' });
  });
});

describe('redelivery', () => {
  test('When the same event is delivered twice, then the customer gets one mail and there is one notification', async () => {
    const event = buildOrderPaid();
    const ackedBefore = await sut.consumed('order.paid', 'acked');

    await Promise.all([sut.publish(event), sut.publish(event)]);
    await sut.smtp.waitForMailsTo(recipientOf(event));
    await sentNotificationOf(event.payload.userId);
    // Both deliveries settled: a second mail, if any, was sent before its delivery was acked.
    await waitFor(async () => (await sut.consumed('order.paid', 'acked')) - ackedBefore >= 2, { what: 'both deliveries acked' });

    expect(sut.smtp.mailsTo(recipientOf(event))).toHaveLength(1);
    expect(await notificationsOf(event.payload.userId)).toHaveLength(1);
  });

  test('When an event is delivered again after its mail was sent, then no second mail goes out', async () => {
    const event = buildOrderCreated();
    await sut.publish(event);
    await sentNotificationOf(event.payload.userId);
    const ackedBefore = await sut.consumed('order.created', 'acked');

    await sut.publish(event);
    await waitFor(async () => (await sut.consumed('order.created', 'acked')) > ackedBefore, { what: 'the redelivery acked' });

    expect(sut.smtp.mailsTo(recipientOf(event))).toHaveLength(1);
    expect(await notificationsOf(event.payload.userId)).toHaveLength(1);
  });

  test.each([
    ['order.rejected', buildOrderRejected],
    ['order.cancelled', buildOrderCancelled],
    ['order.refunded', buildOrderRefunded],
  ])('When %s is delivered again after its mail was sent, then no second mail goes out', async (type, build) => {
    const event = build();
    await sut.publish(event);
    await sentNotificationOf(event.payload.userId);
    const ackedBefore = await sut.consumed(type, 'acked');

    await sut.publish(event);
    await settled(type, ackedBefore);

    expect(sut.smtp.mailsTo(recipientOf(event))).toHaveLength(1);
    expect(await notificationsOf(event.payload.userId)).toHaveLength(1);
  });
});

describe('poison messages', () => {
  test('When a message is not JSON or lacks the fields the mail needs, then it is parked in the dead queue and no mail is sent', async () => {
    const dead = await MessageCollector.fromQueue(TEST_BROKER_URL, sut.service.bus.topology.deadQueue);
    try {
      const withoutAddress = buildOrderPaid();
      const broken = { ...withoutAddress, payload: { ...withoutAddress.payload, customer: { name: 'No Address' } } };
      const mailsBefore = sut.smtp.mails.length;

      await sut.publish(Buffer.from('{not json'), 'order.paid');
      await sut.publish(broken as typeof withoutAddress);
      const healthy = buildOrderPaymentFailed();
      await sut.publish(healthy);

      await dead.waitForCount(2);
      await sut.smtp.waitForMailsTo(recipientOf(healthy));
      expect(dead.messages.map((m) => m.headers['x-error'])).toEqual([
        'message body is not valid JSON',
        expect.stringContaining('customer.email'),
      ]);
      expect(sut.smtp.mails.length).toBe(mailsBefore + 1);
      expect(await notificationsOf(withoutAddress.payload.userId)).toEqual([]);
    } finally {
      await dead.close();
    }
  });
  test('When a rejection, cancellation or refund carries values the mail cannot word, then it is parked in the dead queue and no mail is sent', async () => {
    const dead = await MessageCollector.fromQueue(TEST_BROKER_URL, sut.service.bus.topology.deadQueue);
    try {
      const poisoned = [
        buildOrderRejected({ reason: 'fraud_suspected' }),
        buildOrderRejected({ unavailable: [] }),
        buildOrderCancelled({ previousStatus: 'SHIPPED' }),
        buildOrderRefunded({ paymentId: null }),
      ];
      const mailsBefore = sut.smtp.mails.length;

      for (const event of poisoned) await sut.publish(event);
      const healthy = buildOrderRefunded();
      await sut.publish(healthy);

      await dead.waitForCount(poisoned.length);
      await sut.smtp.waitForMailsTo(recipientOf(healthy));
      expect(dead.messages.map((m) => m.headers['x-error'])).toEqual([
        expect.stringContaining('reason'),
        expect.stringContaining('unavailable'),
        expect.stringContaining('previousStatus'),
        expect.stringContaining('paymentId'),
      ]);
      expect(sut.smtp.mails.length).toBe(mailsBefore + 1);
      for (const event of poisoned) expect(await notificationsOf(event.payload.userId)).toEqual([]);
    } finally {
      await dead.close();
    }
  });
});
