import { MessageCollector, TEST_BROKER_URL, waitFor } from '@shop/platform/testing';
import { Client } from 'pg';
import request from 'supertest';
import { buildOrderPaid, buildOrderPaymentFailed, recipientOf } from './event-builders';
import { asUser, startNotificationServiceUnderTest, type NotificationServiceUnderTest } from './harness';

// RETRY_DELAYS_MS is '100,200' in the harness: each event is handled at most three times.

let sut: NotificationServiceUnderTest;
let dead: MessageCollector;
beforeAll(async () => {
  sut = await startNotificationServiceUnderTest();
  dead = await MessageCollector.fromQueue(TEST_BROKER_URL, sut.service.bus.topology.deadQueue);
});
afterEach(() => sut.smtp.accept());
afterAll(async () => {
  await dead.close();
  await sut.stop();
});

interface NotificationRow {
  status: string;
  attempts: number;
  last_error: string | null;
  sent_at: Date | null;
}

/** The stored notification of an event, with what the API does not show (attempts, last_error). */
async function rowOf(eventId: string): Promise<NotificationRow | undefined> {
  const client = new Client({ connectionString: sut.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<NotificationRow>('SELECT status, attempts, last_error, sent_at FROM notifications WHERE event_id = $1', [eventId]);
    return rows[0];
  } finally {
    await client.end();
  }
}

describe('SMTP outage', () => {
  test('When the SMTP server refuses the first two tries, then the event is retried and the mail delivered once it accepts again', async () => {
    sut.smtp.reject(451, { times: 2 });
    const event = buildOrderPaid();

    await sut.publish(event);
    await sut.smtp.waitForMailsTo(recipientOf(event));
    const row = await waitFor(async () => ((await rowOf(event.id))?.status === 'sent' ? rowOf(event.id) : undefined), { what: 'notification sent' });

    expect(sut.smtp.rejected).toBe(2);
    expect(sut.smtp.mailsTo(recipientOf(event))).toHaveLength(1);
    expect(row).toMatchObject({ status: 'sent', attempts: 3, sent_at: expect.any(Date) });
    // The last failure stays on record after the success, for whoever wonders why it took three tries.
    expect(row!.last_error).toContain('451');
    expect(await sut.consumed('order.paid', 'retried')).toBe(2);
  });

  test('When the SMTP server refuses every try, then the event ends in the dead queue and the notification is failed with the error', async () => {
    sut.smtp.reject(550, { message: 'Mailbox unavailable (test outage)' });
    const event = buildOrderPaymentFailed();

    await sut.publish(event);
    const [parked] = await dead.waitForCount(1);
    const row = await rowOf(event.id);
    const listed = await request(sut.url).get('/notifications').set(asUser(event.payload.userId));
    const ready = await request(sut.url).get('/ready');

    expect((parked!.json as { id: string }).id).toBe(event.id);
    expect(parked!.headers['x-error']).toMatch(/MailDeliveryFailed: .*550 Mailbox unavailable \(test outage\)/);
    expect(row).toMatchObject({ status: 'failed', attempts: 3, sent_at: null });
    expect(row!.last_error).toContain('550 Mailbox unavailable (test outage)');
    expect(listed.body.items).toEqual([expect.objectContaining({ status: 'failed', sentAt: null })]);
    expect(sut.smtp.mailsTo(recipientOf(event))).toHaveLength(0);
    // Mail waits in the retry queues while SMTP is down: that must not take the service out of rotation.
    expect(ready.status).toBe(200);
    expect(ready.body.checks.smtp).toMatchObject({ ok: true, lastDelivery: 'failed', lastError: expect.stringContaining('550') });
  });
});
