import { randomUUID } from 'node:crypto';
import { BrokerUnavailableError } from './broker-errors';
import type { EventEnvelope } from './envelope';
import type { EventBus, EventSubscription } from './event-bus';
import { trackBus } from './messaging-metrics';
import { RabbitMqConsumer } from './rabbitmq-consumer';
import { RabbitMqPublisher } from './rabbitmq-publisher';
import { serviceTopology, type ServiceTopology } from './topology';

/** Options of the RabbitMQ event bus, with their defaults. */
export interface RabbitMqEventBusOptions {
  /** amqp:// URL of the broker. */
  url: string;
  /** Name of the topic exchange (durable) every service publishes to. */
  exchange: string;
  /** This service's name; its queue is `<exchange>.<serviceName>` unless `queue` is given. */
  serviceName: string;
  /** Name of this service's queue. Default `<exchange>.<serviceName>` (broadcast: `<exchange>.<serviceName>.broadcast.<uuid>`). */
  queue?: string;
  /**
   * Broadcast subscription: this process consumes from a queue of its own, exclusive and
   * auto-deleted, so every replica gets every event (for state each replica keeps in memory,
   * such as the gateway's session revocations). No retry or dead queues: a message whose
   * handler fails, or that is invalid, is logged, counted as dropped, and acked; events
   * published while disconnected are missed. Default false (one durable queue per service).
   */
  broadcast?: boolean;
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

/**
 * Event bus over RabbitMQ (amqp-connection-manager), as two parts with a connection each: a
 * publisher (confirms) and, when the service subscribes to anything, a consumer (manual acks,
 * TTL retry queues, dead queue). Publishing never waits for the consumer: a consumer whose
 * queue the broker refuses still lets the outbox drain. Both connect in the background and keep
 * reconnecting, so a service starts (and keeps accepting work, the outbox holding its events)
 * while the broker is down.
 */
export class RabbitMqEventBus implements EventBus {
  readonly topology: ServiceTopology;
  private readonly options: Required<Omit<RabbitMqEventBusOptions, 'queue'>>;
  private readonly subscriptions = new Map<string, EventSubscription<unknown>>();
  private publisher: RabbitMqPublisher | undefined;
  private consumer: RabbitMqConsumer | undefined;
  private closing: Promise<void> | undefined;

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
      broadcast: false,
      ...options,
    };
    const queue = options.queue ?? (this.options.broadcast ? `${options.exchange}.${options.serviceName}.broadcast.${randomUUID()}` : `${options.exchange}.${options.serviceName}`);
    this.topology = this.options.broadcast
      ? { exchange: options.exchange, queue, retryQueues: [], deadQueue: '' }
      : serviceTopology(options.exchange, queue, this.options.retryDelaysMs);
  }

  subscribe<T>(subscription: EventSubscription<T>): void {
    if (this.publisher) throw new Error('subscribe() must be called before start()');
    if (this.subscriptions.has(subscription.type)) throw new Error(`Event type ${subscription.type} already has a handler`);
    this.subscriptions.set(subscription.type, subscription as EventSubscription<unknown>);
  }

  /**
   * Starts connecting and consuming. Resolves once connected with topology and consumers set
   * up, or as soon as the broker turns out unreachable (or after startWaitMs): the bus then
   * keeps connecting in the background. Never rejects because the broker is down.
   */
  async start(): Promise<void> {
    if (this.publisher) return;
    const { url, heartbeatSeconds, reconnectDelayMs, maxReconnectDelayMs, publishTimeoutMs, exchange, prefetch, retryDelaysMs, closeTimeoutMs, startWaitMs, broadcast } = this.options;
    const connection = { url, heartbeatSeconds, reconnectDelayMs, maxReconnectDelayMs };
    this.publisher = new RabbitMqPublisher({ ...connection, exchange, publishTimeoutMs });
    if (this.subscriptions.size > 0) {
      this.consumer = new RabbitMqConsumer({ ...connection, topology: this.topology, prefetch, retryDelaysMs, publishTimeoutMs, closeTimeoutMs, broadcast }, this.subscriptions);
    }
    trackBus(this, true);
    await Promise.all([this.publisher.connect(startWaitMs), this.consumer?.connect(startWaitMs)]);
  }

  /** True while the publisher, and the consumer if there is one, are connected and set up. */
  isConnected(): boolean {
    return !this.closing && !!this.publisher?.isConnected() && (!this.consumer || this.consumer.isConnected());
  }

  /** Calls listener each time the publisher is connected again: the outbox relay stops waiting out its backoff. */
  onConnected(listener: () => void): () => void {
    if (!this.publisher) throw new Error('onConnected() needs a started bus');
    return this.publisher.onConnected(listener);
  }

  /** Readiness check: rejects, saying which part, while publisher or consumer is not connected. */
  readonly brokerCheck = async (): Promise<void> => {
    if (!this.publisher?.isConnected() || this.closing) throw new Error('message broker is not connected (publisher)');
    if (this.consumer && !this.consumer.isConnected()) throw new Error('message broker is not consuming (queue not declared or not connected)');
  };

  /**
   * Publishes an event and resolves when the broker confirms it (see RabbitMqPublisher). Fails
   * fast with BrokerUnavailableError while disconnected, so the caller (the outbox relay) keeps
   * the event; whatever the consumer is doing does not matter.
   */
  async publish(envelope: EventEnvelope): Promise<void> {
    if (!this.publisher || this.closing) throw new BrokerUnavailableError('the event bus is not running');
    await this.publisher.publish(envelope);
  }

  /** Stops consuming, waits (bounded) for running handlers, then closes both connections. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (!this.publisher) return;
    await this.consumer?.close();
    await this.publisher.close();
    trackBus(this, false);
  }
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
