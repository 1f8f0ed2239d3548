import type { Channel } from 'amqplib';

/** The broker objects one consuming service owns. */
export interface ServiceTopology {
  /** Topic exchange every service publishes to; routing key = event type. */
  exchange: string;
  /** The service's durable queue, bound once per subscribed event type. */
  queue: string;
  /** `<queue>.retry.<i>`: holds a failed message retryDelaysMs[i] ms, then dead-letters it back to `queue`. */
  retryQueues: string[];
  /** `<queue>.dead`: parked messages (poison, or out of attempts), for a human to look at. */
  deadQueue: string;
}

/** Names of the queues behind a service queue with the given retry delays. */
export function serviceTopology(exchange: string, queue: string, retryDelaysMs: readonly number[]): ServiceTopology {
  return {
    exchange,
    queue,
    retryQueues: retryDelaysMs.map((_, i) => `${queue}.retry.${i}`),
    deadQueue: `${queue}.dead`,
  };
}

/** Declares the exchange (publishers need nothing else). Idempotent; replayed on every reconnect. */
export async function declareExchange(channel: Channel, exchange: string): Promise<void> {
  await channel.assertExchange(exchange, 'topic', { durable: true });
}

/**
 * Declares the exchange, the service queue with one binding per event type, the retry queues
 * and the dead queue. Idempotent; replayed on every reconnect. Changing retryDelaysMs of an
 * existing queue makes the broker refuse the declaration (406): delete the retry queues first.
 */
export async function declareServiceTopology(
  channel: Channel,
  topology: ServiceTopology,
  retryDelaysMs: readonly number[],
  eventTypes: Iterable<string>,
): Promise<void> {
  await declareExchange(channel, topology.exchange);
  await channel.assertQueue(topology.queue, { durable: true });
  for (const type of eventTypes) await channel.bindQueue(topology.queue, topology.exchange, type);
  for (const [i, name] of topology.retryQueues.entries()) {
    await channel.assertQueue(name, {
      durable: true,
      arguments: {
        'x-message-ttl': retryDelaysMs[i],
        // Expired messages go back to the service queue through the default exchange.
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': topology.queue,
      },
    });
  }
  await channel.assertQueue(topology.deadQueue, { durable: true });
}

/**
 * Declares the exchange and a queue of this process's own, exclusive and auto-deleted (the
 * broker removes it when the connection closes), bound once per event type: a broadcast
 * subscription, where every replica gets every event. Replayed on every reconnect; events
 * published while disconnected are not seen.
 */
export async function declareBroadcastTopology(channel: Channel, topology: ServiceTopology, eventTypes: Iterable<string>): Promise<void> {
  await declareExchange(channel, topology.exchange);
  await channel.assertQueue(topology.queue, { durable: false, exclusive: true, autoDelete: true });
  for (const type of eventTypes) await channel.bindQueue(topology.queue, topology.exchange, type);
}
