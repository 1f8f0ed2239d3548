import type { Channel, ConsumeMessage } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { getLogger } from '../logging';
import { BrokerConnection, type BrokerConnectionOptions } from './broker-connection';
import { BrokerUnavailableError } from './broker-errors';
import type { EventSubscription } from './event-bus';
import { handleDelivery, headersOfCopy, typeOf, type Disposition } from './handle-delivery';
import { messagesConsumed } from './messaging-metrics';
import { declareBroadcastTopology, declareServiceTopology, type ServiceTopology } from './topology';

const log = getLogger('messaging');

/** Settings of the consumer (defaults are set by RabbitMqEventBus). */
export interface RabbitMqConsumerOptions extends BrokerConnectionOptions {
  topology: ServiceTopology;
  prefetch: number;
  retryDelaysMs: readonly number[];
  publishTimeoutMs: number;
  closeTimeoutMs: number;
  /** A queue of this process's own (see RabbitMqEventBusOptions.broadcast): failures are dropped, not retried. */
  broadcast: boolean;
}

/** The consumer currently registered, and the raw channel its deliveries arrive (and are acked) on. */
interface ActiveConsumer {
  channel: Channel;
  consumerTag: string;
}

/**
 * Consumes the service's queue with manual acks on a connection of its own: failures go to TTL
 * retry queues, poison messages to the dead queue, each copy confirmed (on this connection's
 * own confirm channel) before the original is acked.
 */
export class RabbitMqConsumer {
  private readonly connection: BrokerConnection;
  private readonly copies: ChannelWrapper;
  private readonly inFlight = new Set<Promise<void>>();
  private consumer: ActiveConsumer | undefined;
  private closing = false;

  constructor(
    private readonly options: RabbitMqConsumerOptions,
    private readonly subscriptions: ReadonlyMap<string, EventSubscription<unknown>>,
  ) {
    this.connection = new BrokerConnection(options, 'consumer');
    this.connection.addChannel({ name: 'consume', confirm: false, setup: (channel) => this.setup(channel) });
    this.copies = this.connection.addChannel({ name: 'copies', confirm: true, publishTimeoutMs: options.publishTimeoutMs, setup: async () => undefined });
  }

  connect(waitMs: number): Promise<void> {
    return this.connection.connect(waitMs);
  }

  /** True while connected with the queue declared and consumed. */
  isConnected(): boolean {
    return this.connection.isConnected();
  }

  /** Stops consuming, waits (bounded) for running handlers, then closes the connection. */
  async close(): Promise<void> {
    this.closing = true;
    const consumer = this.consumer;
    if (consumer) await consumer.channel.cancel(consumer.consumerTag).catch(() => undefined);
    await waitAll(this.inFlight, this.options.closeTimeoutMs);
    if (this.inFlight.size > 0) log.warn('Closing the consumer with handlers still running', { running: this.inFlight.size });
    await this.connection.close();
  }

  private async setup(channel: Channel): Promise<void> {
    const { topology, retryDelaysMs, prefetch, broadcast } = this.options;
    if (broadcast) await declareBroadcastTopology(channel, topology, this.subscriptions.keys());
    else await declareServiceTopology(channel, topology, retryDelaysMs, this.subscriptions.keys());
    if (this.closing) return;
    await channel.prefetch(prefetch);
    const { consumerTag } = await channel.consume(topology.queue, (msg) => this.onDelivery(channel, msg), { noAck: false });
    this.consumer = { channel, consumerTag };
  }

  private onDelivery(channel: Channel, msg: ConsumeMessage | null): void {
    if (!msg) {
      // The broker cancelled the consumer (its queue was deleted). Closing the channel makes the
      // connection recover it, which declares the queue again and consumes from it.
      log.warn('Message broker cancelled the consumer', { queue: this.options.topology.queue });
      if (!this.closing) channel.close().catch(() => undefined);
      return;
    }
    const task = this.process(channel, msg)
      .catch((error: unknown) => {
        log.error('Message processing failed', { messageId: msg.properties.messageId, error });
      })
      .finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  private async process(channel: Channel, msg: ConsumeMessage): Promise<void> {
    const disposition = await handleDelivery(msg, this.subscriptions, this.options.topology);
    const type = typeOf(msg);
    if (disposition.outcome !== 'acked' && this.options.broadcast) {
      // A queue of this process's own has no retry or dead queue to send a copy to.
      log.error('Broadcast message dropped', { type, messageId: msg.properties.messageId, reason: disposition.error });
      if (this.settle(channel, msg, 'ack')) messagesConsumed.inc({ type, outcome: 'dropped' });
      return;
    }
    if (disposition.outcome !== 'acked') {
      try {
        await this.sendCopy(msg, disposition);
      } catch (error) {
        // Not acked, so not lost: requeued, or redelivered after the reconnect. The pause keeps
        // a broker hiccup from turning into a tight handle-fail-requeue loop.
        log.warn('Could not move a failed message, requeueing it', { type, messageId: msg.properties.messageId, error });
        if (!this.closing) await new Promise((resolve) => setTimeout(resolve, this.options.reconnectDelayMs));
        if (this.settle(channel, msg, 'nack')) messagesConsumed.inc({ type, outcome: 'requeued' });
        return;
      }
      if (disposition.outcome === 'dead-lettered') {
        log.error('Message dead-lettered', { type, messageId: msg.properties.messageId, reason: disposition.error, attempt: disposition.attempt });
      }
    }
    // Acked only once the copy is confirmed; if the channel was replaced meanwhile the broker
    // redelivers the original (handlers are idempotent), which beats a 406 closing the channel.
    if (this.settle(channel, msg, 'ack')) messagesConsumed.inc({ type, outcome: disposition.outcome });
  }

  private async sendCopy(msg: ConsumeMessage, disposition: Exclude<Disposition, { outcome: 'acked' }>): Promise<void> {
    if (!this.connection.manager.isConnected()) throw new BrokerUnavailableError('not connected');
    const { properties } = msg;
    await this.copies.sendToQueue(disposition.queue, msg.content, {
      persistent: true,
      contentType: properties.contentType ?? 'application/json',
      messageId: properties.messageId,
      type: properties.type,
      timestamp: properties.timestamp,
      headers: headersOfCopy(msg, disposition),
    });
  }

  /** Acks or requeues on the channel the message came on, if that channel is still the live one. */
  private settle(channel: Channel, msg: ConsumeMessage, how: 'ack' | 'nack'): boolean {
    if (this.consumer?.channel !== channel || !this.connection.manager.isConnected()) return false;
    try {
      if (how === 'ack') channel.ack(msg);
      else channel.nack(msg, false, true);
      return true;
    } catch (error) {
      log.debug('Could not settle a message on a closing channel', { error });
      return false;
    }
  }
}

async function waitAll(tasks: Set<Promise<void>>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([Promise.allSettled([...tasks]), timeout]);
  clearTimeout(timer);
}
