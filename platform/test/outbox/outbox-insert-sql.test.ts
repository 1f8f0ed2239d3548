import { randomUUID } from 'node:crypto';
import { sqltag as sql } from '@prisma/client/runtime/client';
import { Client, type Notification } from 'pg';
import { createEnvelope } from '../../src/messaging';
import { outboxInsertSql } from '../../src/outbox';
import { waitFor } from '../../src/testing';
import { createOutboxDatabase, dropOutboxDatabase } from '../support/outbox-database';

let databaseUrl: string;
let client: Client;
let listener: Client;
const notifications: Notification[] = [];

beforeAll(async () => {
  databaseUrl = await createOutboxDatabase();
  client = new Client({ connectionString: databaseUrl });
  listener = new Client({ connectionString: databaseUrl });
  await Promise.all([client.connect(), listener.connect()]);
  listener.on('notification', (message) => notifications.push(message));
  await listener.query('LISTEN outbox');
});
beforeEach(async () => {
  notifications.length = 0;
  await client.query('TRUNCATE outbox_messages');
});
afterAll(async () => {
  await Promise.all([client.end(), listener.end()]);
  await dropOutboxDatabase(databaseUrl);
});

const buildEvent = () => createEnvelope('order.created', 1, { orderId: randomUUID() });

/**
 * The notifications that arrived before a marker sent now on the same channel. PostgreSQL
 * delivers notifications in commit order, so one committed by an earlier statement arrives
 * ahead of the marker, and one that never committed never arrives.
 */
async function notificationsBeforeMarker(): Promise<Notification[]> {
  const marker = `marker-${randomUUID()}`;
  await client.query("SELECT pg_notify('outbox', $1)", [marker]);
  await waitFor(() => notifications.some((n) => n.payload === marker), { what: 'the marker notification' });
  return notifications.slice(0, notifications.findIndex((n) => n.payload === marker));
}
const storedIds = async () => (await client.query<{ id: string }>('SELECT id FROM outbox_messages')).rows.map((row) => row.id);

describe('outboxInsertSql (the outbox write folded into a caller\'s single statement)', () => {
  test('When the statement commits, then the event is stored and the relay channel is notified', async () => {
    const event = buildEvent();
    const statement = sql`WITH outbox AS (${outboxInsertSql(event)}) SELECT notified FROM outbox`;

    const { rows } = await client.query(statement.text, statement.values);

    expect(rows).toEqual([{ notified: true }]);
    expect(await storedIds()).toEqual([event.id]);
    const { rows: payloads } = await client.query('SELECT type, payload FROM outbox_messages');
    expect(payloads).toEqual([{ type: 'order.created', payload: event }]);
    expect((await notificationsBeforeMarker()).map((n) => n.channel)).toEqual(['outbox']);
  });

  test('When another part of the statement fails, then nothing is stored and nobody is notified', async () => {
    const statement = sql`WITH outbox AS (${outboxInsertSql(buildEvent())}), broken AS (SELECT 1 / 0 AS boom)
      SELECT notified, boom FROM outbox, broken`;

    await expect(client.query(statement.text, statement.values)).rejects.toThrow(/division by zero/);

    expect(await storedIds()).toEqual([]);
    expect(await notificationsBeforeMarker()).toEqual([]);
  });

  test('When its onlyIf condition is false, then nothing is stored and nobody is notified', async () => {
    const statement = sql`WITH outbox AS (${outboxInsertSql(buildEvent(), { onlyIf: sql`1 = ${2}` })}) SELECT notified FROM outbox`;

    const { rows } = await client.query(statement.text, statement.values);

    expect(rows).toEqual([]);
    expect(await storedIds()).toEqual([]);
    expect(await notificationsBeforeMarker()).toEqual([]);
  });

  test('When the envelope is malformed, then no statement is built', () => {
    expect(() => outboxInsertSql({ ...buildEvent(), id: 'not-a-uuid' })).toThrow();
  });
});
