import { randomBytes } from 'node:crypto';
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';

/** Broker the tests use; override with TEST_RABBITMQ_URL. */
export const TEST_BROKER_URL = process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** An exchange name no other test run uses: `<prefix>.<random>`. */
export function uniqueExchangeName(prefix = 'test'): string {
  return `${prefix}.${randomBytes(5).toString('hex')}`;
}

/** Deletes exchanges and queues a test declared (missing ones are fine). */
export async function deleteTopology(url: string, names: { exchanges?: string[]; queues?: string[] }): Promise<void> {
  const connection = await connect(url);
  try {
    for (const queue of names.queues ?? []) await onFreshChannel(connection, (channel) => channel.deleteQueue(queue));
    for (const exchange of names.exchanges ?? []) await onFreshChannel(connection, (channel) => channel.deleteExchange(exchange));
  } finally {
    await connection.close();
  }
}

// A failed operation closes its channel; one channel each keeps the others going.
async function onFreshChannel(connection: ChannelModel, fn: (channel: Channel) => Promise<unknown>): Promise<void> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    await fn(channel);
    await channel.close();
  } catch {
    // already gone
  }
}

/** Polls probe until it returns something truthy, or rejects after timeoutMs naming what it waited for. */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string | (() => string) } = {},
): Promise<T> {
  const { timeoutMs = 5000, intervalMs = 20, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A message a collector received, with its body parsed when it is JSON. */
export interface CollectedMessage {
  content: Buffer;
  json: unknown;
  routingKey: string;
  headers: Record<string, unknown>;
  properties: ConsumeMessage['properties'];
}

/**
 * A raw amqplib consumer for assertions: either a temporary queue bound to an exchange (sees
 * what was published) or an existing queue such as `<queue>.dead` (sees what was parked).
 * Acks everything it receives.
 */
export class MessageCollector {
  readonly messages: CollectedMessage[] = [];

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
  ) {}

  /** Collects what is published to exchange (declared here if missing) with matching routing keys. */
  static async bindTo(url: string, exchange: string, routingKeys: string[] = ['#']): Promise<MessageCollector> {
    const connection = await connect(url);
    const channel = await connection.createChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    for (const key of routingKeys) await channel.bindQueue(queue, exchange, key);
    return MessageCollector.consume(connection, channel, queue);
  }

  /** Collects the messages of an existing queue (declared durable here if missing). */
  static async fromQueue(url: string, queue: string): Promise<MessageCollector> {
    const connection = await connect(url);
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: true });
    return MessageCollector.consume(connection, channel, queue);
  }

  private static async consume(connection: ChannelModel, channel: Channel, queue: string): Promise<MessageCollector> {
    const collector = new MessageCollector(connection, channel);
    await channel.consume(queue, (msg) => {
      if (!msg) return;
      let json: unknown;
      try {
        json = JSON.parse(msg.content.toString('utf8'));
      } catch {
        json = undefined;
      }
      collector.messages.push({
        content: msg.content,
        json,
        routingKey: msg.fields.routingKey,
        headers: msg.properties.headers ?? {},
        properties: msg.properties,
      });
      channel.ack(msg);
    });
    return collector;
  }

  /** Resolves with the messages once at least count arrived. */
  async waitForCount(count: number, timeoutMs = 5000): Promise<CollectedMessage[]> {
    await waitFor(() => this.messages.length >= count, { timeoutMs, what: () => `${count} message(s), got ${this.messages.length}` });
    return this.messages;
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
