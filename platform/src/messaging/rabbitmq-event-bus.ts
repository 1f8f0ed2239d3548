import type { Channel, ConsumeMessage } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { getLogger } from '../logging';
import { contextFromHeaders, currentTraceHeaders, withSpan } from '../telemetry';
import { BrokerConnection } from './broker-connection';
import { BrokerUnavailableError } from './broker-errors';
import type { EventEnvelope } from './envelope';
import type { EventPublisher, EventSubscription } from './event-bus';
import { handleDelivery, headersOfCopy, typeOf, type Disposition } from './handle-delivery';
import { messagesConsumed, messagesPublished, trackBus } from './messaging-metrics';
import { declareExchange, declareServiceTopology, serviceTopology, type ServiceTopology } from './topology';

const log = getLogger('messaging');

/** Options of the RabbitMQ event bus, with their defaults. */
export interface RabbitMqEventBusOptions {
  /** amqp:// URL of the broker. */
  url: string;
  /** Name of the topic exchange (durable) every service publishes to. */
  exchange: string;
  /** This service's name; its queue is `<exchange>.<serviceName>` unless `queue` is given. */
  serviceName: string;
  /** Name of this service's queue. Default `<exchange>.<serviceName>`. */
  queue?: string;
  /** Unacknowledged deliveries held at once, i.e. handlers running in parallel. Default 10. */
  prefetch?: number;
  /** Delay before each retry, in ms; a message is handled at most length + 1 times. Default [1000, 5000, 25000]. */
  retryDelaysMs?: readonly number[];
  /** Longest wait for the broker to confirm a publish, in ms. Default 5000. */
  publishTimeoutMs?: number;
  /** AMQP heartbeat interval, in seconds; a dead connection is noticed after about two. Default 5. */
  heartbeatSeconds?: number;
  /** First reconnect delay, in ms, doubled after each failed attempt up to maxReconnectDelayMs. Default 1000. */
  reconnectDelayMs?: number;
  /** Longest reconnect delay, in ms. Default 30000. */
  maxReconnectDelayMs?: number;
  /** How long start() waits for the first connection before resolving anyway, in ms. Default 5000. */
  startWaitMs?: number;
  /** How long close() waits for running handlers, in ms. Default 10000. */
  closeTimeoutMs?: number;
}

/** The consumer currently registered, and the raw channel its deliveries arrive (and are acked) on. */
interface ActiveConsumer {
  channel: Channel;
  consumerTag: string;
}

/**
 * Event bus over RabbitMQ (amqp-connection-manager): publishes with confirms, consumes the
 * service's queue with manual acks, retries failures through TTL retry queues and parks poison
 * messages in a dead queue. Connects in the background and keeps reconnecting, so a service
 * starts (and keeps accepting work, the outbox holding its events) while the broker is down.
 */
export class RabbitMqEventBus implements EventPublisher {
  readonly topology: ServiceTopology;
  private readonly options: Required<Omit<RabbitMqEventBusOptions, 'queue'>>;
  private readonly subscriptions = new Map<string, EventSubscription<unknown>>();
  private readonly inFlight = new Set<Promise<void>>();
  private connection: BrokerConnection | undefined;
  private publishChannel: ChannelWrapper | undefined;
  private consumer: ActiveConsumer | undefined;
  private closing: Promise<void> | undefined;
  private readonly connectedListeners = new Set<() => void>();

  constructor(options: RabbitMqEventBusOptions) {
    this.options = {
      prefetch: 10,
      retryDelaysMs: [1000, 5000, 25000],
      publishTimeoutMs: 5000,
      heartbeatSeconds: 5,
      reconnectDelayMs: 1000,
      maxReconnectDelayMs: 30_000,
      startWaitMs: 5000,
      closeTimeoutMs: 10_000,
      ...options,
    };
    const queue = options.queue ?? `${options.exchange}.${options.serviceName}`;
    this.topology = serviceTopology(options.exchange, queue, this.options.retryDelaysMs);
  }

  /** Registers a handler for one event type; call before start(). */
  subscribe<T>(subscription: EventSubscription<T>): void {
    if (this.connection) throw new Error('subscribe() must be called before start()');
    if (this.subscriptions.has(subscription.type)) throw new Error(`Event type ${subscription.type} already has a handler`);
    this.subscriptions.set(subscription.type, subscription as EventSubscription<unknown>);
  }

  /**
   * Starts connecting and consuming. Resolves once connected with topology and consumers set
   * up, or as soon as the broker turns out unreachable (or after startWaitMs): the bus then
   * keeps connecting in the background. Never rejects because the broker is down.
   */
  async start(): Promise<void> {
    if (this.connection) return;
    const { url, heartbeatSeconds, reconnectDelayMs, maxReconnectDelayMs, publishTimeoutMs, exchange } = this.options;
    const connection = new BrokerConnection({ url, heartbeatSeconds, reconnectDelayMs, maxReconnectDelayMs });
    this.connection = connection;
    connection.onReady(() => {
      for (const listener of this.connectedListeners) listener();
    });
    trackBus(this, true);
    this.publishChannel = connection.addChannel({
      name: 'publish',
      confirm: true,
      publishTimeoutMs,
      setup: (channel) => declareExchange(channel, exchange),
    });
    if (this.subscriptions.size > 0) {
      connection.addChannel({ name: 'consume', confirm: false, setup: (channel) => this.setupConsumer(channel) });
    }
    await connection.connect(this.options.startWaitMs);
  }

  /** True while connected with every channel set up. */
  isConnected(): boolean {
    return !this.closing && !!this.connection?.isConnected();
  }

  /**
   * Calls listener each time the bus is connected with every channel set up (the first time and
   * after each reconnect): the outbox relay uses it to stop waiting out its backoff.
   */
  onConnected(listener: () => void): () => void {
    this.connectedListeners.add(listener);
    return () => this.connectedListeners.delete(listener);
  }

  /** Readiness check: rejects while the broker is not connected. */
  readonly brokerCheck = async (): Promise<void> => {
    if (!this.isConnected()) throw new Error('message broker is not connected');
  };

  /**
   * Publishes an event (persistent, JSON) with the event type as routing key and resolves when
   * the broker confirms it. Fails fast with BrokerUnavailableError while disconnected, and
   * after publishTimeoutMs without a confirm, so the caller (the outbox relay) keeps the event.
   */
  async publish(envelope: EventEnvelope): Promise<void> {
    const channel = this.publishChannel;
    if (!channel || this.closing) throw new BrokerUnavailableError('the event bus is not running');
    if (!this.isConnected()) throw new BrokerUnavailableError('not connected');
    const parent = contextFromHeaders({ traceparent: envelope.traceparent, tracestate: envelope.tracestate });
    await withSpan(
      `${envelope.type} publish`,
      'producer',
      async (span) => {
        span.setAttributes({
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'send',
          'messaging.destination.name': this.options.exchange,
          'messaging.rabbitmq.destination.routing_key': envelope.type,
          'messaging.message.id': envelope.id,
        });
        // The producer span's context, so the consumer's span is its child.
        const headers = { ...pickTraceHeaders(envelope), ...currentTraceHeaders() };
        try {
          await channel.publish(this.options.exchange, envelope.type, Buffer.from(JSON.stringify(envelope)), {
            persistent: true,
            contentType: 'application/json',
            messageId: envelope.id,
            type: envelope.type,
            timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000) || undefined,
            headers,
          });
        } catch (error) {
          throw new BrokerUnavailableError(`no confirm for ${envelope.type} (${(error as Error).message})`, error);
        }
      },
      parent,
    );
    messagesPublished.inc({ type: envelope.type });
  }

  /** Stops consuming, waits (bounded) for running handlers, then closes channels and connection. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    const consumer = this.consumer;
    if (consumer) await consumer.channel.cancel(consumer.consumerTag).catch(() => undefined);
    await waitAll(this.inFlight, this.options.closeTimeoutMs);
    if (this.inFlight.size > 0) log.warn('Closing the event bus with handlers still running', { running: this.inFlight.size });
    await connection.close();
    trackBus(this, false);
  }

  private async setupConsumer(channel: Channel): Promise<void> {
    const { retryDelaysMs, prefetch } = this.options;
    await declareServiceTopology(channel, this.topology, retryDelaysMs, this.subscriptions.keys());
    if (this.closing) return;
    await channel.prefetch(prefetch);
    const { consumerTag } = await channel.consume(this.topology.queue, (msg) => this.onDelivery(channel, msg), { noAck: false });
    this.consumer = { channel, consumerTag };
  }

  private onDelivery(channel: Channel, msg: ConsumeMessage | null): void {
    if (!msg) {
      // The broker cancelled the consumer (its queue was deleted). Closing the channel makes the
      // connection recover it, which declares the queue again and consumes from it.
      log.warn('Message broker cancelled the consumer', { queue: this.topology.queue });
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
    const disposition = await handleDelivery(msg, this.subscriptions, this.topology);
    const type = typeOf(msg);
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
    const channel = this.publishChannel;
    if (!channel || !this.connection?.manager.isConnected()) throw new BrokerUnavailableError('not connected');
    const { properties } = msg;
    await channel.sendToQueue(disposition.queue, msg.content, {
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
    if (this.consumer?.channel !== channel || !this.connection?.manager.isConnected()) return false;
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

function pickTraceHeaders(envelope: EventEnvelope): Record<string, string> {
  const headers: Record<string, string> = {};
  if (envelope.traceparent) headers.traceparent = envelope.traceparent;
  if (envelope.tracestate) headers.tracestate = envelope.tracestate;
  return headers;
}

async function waitAll(tasks: Set<Promise<void>>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([Promise.allSettled([...tasks]), timeout]);
  clearTimeout(timer);
}

/** The messagingConfig settings (platform/src/config) a service's bus is built from. */
export interface EventBusSettings {
  RABBITMQ_URL: string;
  EVENTS_EXCHANGE: string;
  CONSUMER_PREFETCH: number;
  RETRY_DELAYS_MS: readonly number[];
}

/** The bus of one service, configured from its validated messaging settings. */
export function eventBusFromConfig(config: EventBusSettings, serviceName: string): RabbitMqEventBus {
  return new RabbitMqEventBus({
    url: config.RABBITMQ_URL,
    exchange: config.EVENTS_EXCHANGE,
    serviceName,
    prefetch: config.CONSUMER_PREFETCH,
    retryDelaysMs: config.RETRY_DELAYS_MS,
  });
}
