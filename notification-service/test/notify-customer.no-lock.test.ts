import { waitFor } from '@shop/platform/testing';
import { Client } from 'pg';
import request from 'supertest';
import { buildOrderCreated, recipientOf } from './event-builders';
import { asUser, startNotificationServiceUnderTest, type NotificationServiceUnderTest } from './harness';

// Sending a mail holds no database connection, transaction or row lock: the claim and the mark
// are single statements around the SMTP conversation. So more mails may be in flight than the
// pool has connections, and a stalled mail server stalls nothing else.

let sut: NotificationServiceUnderTest;
let sql: Client;
beforeAll(async () => {
  sut = await startNotificationServiceUnderTest({ DATABASE_POOL_MAX: '2', CONSUMER_PREFETCH: '5' });
  sql = new Client({ connectionString: sut.databaseUrl });
  await sql.connect();
});
afterAll(async () => {
  sut.smtp.release();
  await sql.end();
  await sut.stop();
});

/** Sessions of the service's database that hold a transaction open right now, and row locks granted on notifications. */
async function heldInTheDatabase(): Promise<{ openTransactions: number; rowLocks: number }> {
  const { rows } = await sql.query<{ open_transactions: number; row_locks: number }>(
    `SELECT (SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
               AND state IN ('idle in transaction', 'idle in transaction (aborted)')) AS open_transactions,
            (SELECT count(*)::int FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
              WHERE c.relname = 'notifications' AND l.pid <> pg_backend_pid() AND l.mode = 'RowExclusiveLock' AND l.granted) AS row_locks`,
  );
  return { openTransactions: rows[0]!.open_transactions, rowLocks: rows[0]!.row_locks };
}

describe('a mail server that does not answer', () => {
  test('When four mails are stalled at the SMTP server with a pool of two connections, then no transaction or lock is held, reads are served, and each mail goes out once released', async () => {
    // Arrange
    sut.smtp.hold();
    const events = [1, 2, 3, 4].map(() => buildOrderCreated());

    // Act
    await Promise.all(events.map((event) => sut.publish(event)));
    await waitFor(() => sut.smtp.waiting === 4, { what: () => `4 mails stalled at the server, got ${sut.smtp.waiting}` });

    // Assert: while all four wait on SMTP, the database is free.
    expect(await heldInTheDatabase()).toEqual({ openTransactions: 0, rowLocks: 0 });
    const read = await request(sut.url).get('/notifications').set(asUser(events[0]!.payload.userId));
    expect(read.status).toBe(200);
    expect(read.body.items).toMatchObject([{ status: 'pending' }]);

    sut.smtp.release();
    for (const event of events) await sut.smtp.waitForMailsTo(recipientOf(event));
    const { rows } = await sql.query<{ status: string; n: number }>("SELECT status::text, count(*)::int AS n FROM notifications GROUP BY status");
    await waitFor(async () => (await sql.query("SELECT 1 FROM notifications WHERE status <> 'sent'")).rowCount === 0, { what: 'every notification marked sent' });
    const inbox = await sql.query('SELECT count(*)::int AS n FROM processed_messages WHERE message_id = ANY($1::uuid[])', [events.map((e) => e.id)]);
    expect(inbox.rows[0].n).toBe(4);
    expect(rows.reduce((sum, row) => sum + row.n, 0)).toBe(4);
    for (const event of events) expect(sut.smtp.mailsTo(recipientOf(event))).toHaveLength(1);
  });
});
