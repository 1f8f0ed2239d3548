// What the run's exchange has on the broker: its queues' names, which still exist, how deep they are.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const amqp = require('amqplib');

const CONSUMING_SERVICES = ['catalog-service', 'order-service', 'payment-service', 'notification-service'];

/** Every queue the services declare on `exchange`: one per consumer, its dead-letter and retry queues. */
export function queuesOf(exchange) {
  const retries = (process.env.RETRY_DELAYS_MS ?? '1000,5000,25000').split(',').length;
  const consumers = CONSUMING_SERVICES.map((s) => `${exchange}.${s}`);
  return consumers.flatMap((q) => [q, `${q}.dead`, ...Array.from({ length: retries }, (_, i) => `${q}.retry.${i}`)]);
}

/** The names among `names` that still exist on the broker (each checked on its own channel). */
export async function existingQueues(rabbitmqUrl, names) {
  const connection = await amqp.connect(rabbitmqUrl);
  const left = [];
  try {
    for (const name of names) {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      try {
        await channel.checkQueue(name);
        left.push(name);
        await channel.close();
      } catch {
        // gone, as it should be (the failed check closed the channel)
      }
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
  return left;
}

/** Messages waiting in each consuming service's queue: { 'queue:<service>': n }, 0 when missing. */
export async function queueDepths(rabbitmqUrl, exchange) {
  const connection = await amqp.connect(rabbitmqUrl);
  const out = {};
  try {
    for (const service of CONSUMING_SERVICES) {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      try {
        out[`queue:${service}`] = (await channel.checkQueue(`${exchange}.${service}`)).messageCount;
        await channel.close();
      } catch {
        out[`queue:${service}`] = 0;
      }
    }
  } finally {
    await connection.close().catch(() => undefined);
  }
  return out;
}
