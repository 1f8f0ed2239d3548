import { randomUUID } from 'node:crypto';
import { createEnvelope } from '@shop/platform/messaging';
import { waitFor } from '@shop/platform/testing';
import request from 'supertest';
import { ERASED_RECIPIENT } from '../src/data-access/notification-repository';
import { buildOrderCreated, buildOrderPaid, buildOrderRefunded } from './event-builders';
import { asUser, startNotificationServiceUnderTest, type NotificationServiceUnderTest } from './harness';

let sut: NotificationServiceUnderTest;
beforeAll(async () => {
  sut = await startNotificationServiceUnderTest();
});
afterAll(() => sut.stop());

interface NotificationItem {
  type: string;
  orderId: string;
  recipient: string;
  subject: string;
  status: string;
}

const notificationsOf = async (userId: string): Promise<NotificationItem[]> =>
  (await request(sut.url).get('/notifications').set(asUser(userId)).expect(200)).body.items;

async function acked(type: string, publish: () => Promise<void>, count = 1): Promise<void> {
  const before = await sut.consumed(type, 'acked');
  await publish();
  await waitFor(async () => (await sut.consumed(type, 'acked')) - before >= count, { what: `${count} ${type} acked` });
}

const userDeleted = (userId: string) => createEnvelope('user.deleted', 1, { userId, deletedAt: new Date().toISOString() });
const mailsTo = (address: string) => sut.smtp.mails.filter((m) => m.to.includes(address));

describe('user.deleted', () => {
  test('When a user with sent notifications is deleted, then they stay as a record without the address, and another user is untouched', async () => {
    const userId = randomUUID();
    const customer = { email: `erase-${userId.slice(0, 8)}@example.test`, name: 'Erin Erased' };
    const created = buildOrderCreated({ userId, customer });
    const other = buildOrderCreated({ customer: { email: `keep-${userId.slice(0, 8)}@example.test`, name: 'Kim Kept' } });
    await acked('order.created', async () => { await sut.publish(created); await sut.publish(other); }, 2);

    await acked('user.deleted', () => sut.publish(userDeleted(userId)));

    const [record] = await notificationsOf(userId);
    expect(record).toMatchObject({ type: 'order.created', orderId: created.payload.orderId, status: 'sent', recipient: ERASED_RECIPIENT });
    expect(JSON.stringify(record)).not.toContain(customer.email);
    expect(JSON.stringify(record)).not.toContain(customer.name);
    expect((await notificationsOf(other.payload.userId))[0]).toMatchObject({ recipient: other.payload.customer.email, status: 'sent' });
  });

  test('When an event about the deleted user arrives afterwards (order.refunded), or user.deleted again, then it is acked and nobody is mailed', async () => {
    const userId = randomUUID();
    const customer = { email: `late-${userId.slice(0, 8)}@example.test`, name: 'Lou Late' };
    const deletion = userDeleted(userId);
    await acked('user.deleted', () => sut.publish(deletion));
    await acked('user.deleted', () => sut.publish(deletion));

    await acked('order.refunded', () => sut.publish(buildOrderRefunded({ userId, customer })));

    expect(mailsTo(customer.email)).toEqual([]);
    expect(await notificationsOf(userId)).toEqual([]);
    expect(await sut.consumed('user.deleted', 'dead-lettered')).toBe(0);
  });

  test('When a mail of the user is still being retried at the deletion, then it never goes out', async () => {
    const userId = randomUUID();
    const customer = { email: `pending-${userId.slice(0, 8)}@example.test`, name: 'Pat Pending' };
    const paid = buildOrderPaid({ userId, customer });
    sut.smtp.reject(451, { times: 1000 });
    try {
      await sut.publish(paid);
      await waitFor(async () => (await notificationsOf(userId)).find((n) => n.status === 'failed'), { what: 'a failed attempt' });
      await acked('user.deleted', () => sut.publish(userDeleted(userId)));
    } finally {
      sut.smtp.accept();
    }
    // The retry that follows finds the tombstone and is acked without a mail.
    await waitFor(async () => (await sut.consumed('order.paid', 'acked')) >= 1, { what: 'the retried order.paid acked' });

    expect(mailsTo(customer.email)).toEqual([]);
    expect(await notificationsOf(userId)).toEqual([expect.objectContaining({ type: 'order.paid', status: 'failed', recipient: ERASED_RECIPIENT })]);
  });
});
