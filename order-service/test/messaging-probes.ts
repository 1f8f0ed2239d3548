import { Client } from 'pg';
import request from 'supertest';
import type { OrderServiceUnderTest } from './harness';

// What a messaging test waits on instead of a fixed pause: the consumer's own records of what it
// handled. A test that checks "nothing happened" first proves, with these, that the message it
// is about was handled.

/** Deliveries of `type` the consumer settled with `outcome`, from the service's /metrics (a counter of the process). */
export async function consumed(sut: OrderServiceUnderTest, type: string, outcome: 'acked' | 'retried' | 'dead-lettered' = 'acked'): Promise<number> {
  const metrics = (await request(sut.url).get('/metrics').expect(200)).text;
  const line = metrics
    .split('\n')
    .find((l) => l.startsWith('messaging_messages_consumed_total{') && l.includes(`type="${type}"`) && l.includes(`outcome="${outcome}"`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/**
 * True once the consumer recorded the message in its inbox: it decided about that very message
 * (applied it, or settled it without change), in the transaction that holds any event it recorded.
 */
export async function inInbox(sut: OrderServiceUnderTest, messageId: string): Promise<boolean> {
  const client = new Client({ connectionString: sut.databaseUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM processed_messages WHERE message_id = $1', [messageId]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}
