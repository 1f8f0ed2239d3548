import type { ChannelWrapper } from 'amqp-connection-manager';
import { contextFromHeaders, currentTraceHeaders, withSpan } from '../telemetry';
import { BrokerConnection, type BrokerConnectionOptions } from './broker-connection';
import { BrokerUnavailableError, MessageRejectedError } from './broker-errors';
import type { EventEnvelope } from './envelope';
import type { EventPublisher } from './event-bus';
import { messagesPublished } from './messaging-metrics';
import { declareExchange } from './topology';

/** Settings of the publisher (defaults are set by RabbitMqEventBus). */
export interface RabbitMqPublisherOptions extends BrokerConnectionOptions {
  exchange: string;
  publishTimeoutMs: number;
}

/**
 * Publishes events with confirms on a connection of its own. Nothing about consuming (queues,
 * bindings, a refused declaration, a consumer's reconnects, flow control on a busy consumer
 * connection) can hold up the outbox relay's way out.
 */
export class RabbitMqPublisher implements EventPublisher {
  private readonly connection: BrokerConnection;
  private readonly channel: ChannelWrapper;

  constructor(private readonly options: RabbitMqPublisherOptions) {
    this.connection = new BrokerConnection(options, 'publisher');
    this.channel = this.connection.addChannel({
      name: 'publish',
      confirm: true,
      publishTimeoutMs: options.publishTimeoutMs,
      setup: (channel) => declareExchange(channel, options.exchange),
    });
  }

  /** Starts connecting; see BrokerConnection.connect. */
  connect(waitMs: number): Promise<void> {
    return this.connection.connect(waitMs);
  }

  /** True while connected with the publish channel set up. */
  isConnected(): boolean {
    return this.connection.isConnected();
  }

  onConnected(listener: () => void): () => void {
    return this.connection.onReady(listener);
  }

  /**
   * Publishes an event (persistent, JSON) with its type as routing key inside a producer span
   * and resolves when the broker confirms it. Connection trouble and a confirm that does not
   * come in time are BrokerUnavailableError (try again later); a nack is MessageRejectedError
   * (this message was refused).
   */
  async publish(envelope: EventEnvelope): Promise<void> {
    if (!this.isConnected()) throw new BrokerUnavailableError('not connected');
    const { exchange } = this.options;
    const parent = contextFromHeaders({ traceparent: envelope.traceparent, tracestate: envelope.tracestate });
    await withSpan(
      `${envelope.type} publish`,
      'producer',
      async (span) => {
        span.setAttributes({
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'send',
          'messaging.destination.name': exchange,
          'messaging.rabbitmq.destination.routing_key': envelope.type,
          'messaging.message.id': envelope.id,
        });
        // The producer span's context, so the consumer's span is its child.
        const headers = { ...traceHeadersOf(envelope), ...currentTraceHeaders() };
        try {
          await this.channel.publish(exchange, envelope.type, Buffer.from(JSON.stringify(envelope)), {
            persistent: true,
            contentType: 'application/json',
            messageId: envelope.id,
            type: envelope.type,
            timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000) || undefined,
            headers,
          });
        } catch (error) {
          if (isNack(error)) throw new MessageRejectedError(`the broker refused ${envelope.type} (nack)`, error);
          throw new BrokerUnavailableError(`no confirm for ${envelope.type} (${(error as Error).message})`, error);
        }
      },
      parent,
    );
    messagesPublished.inc({ type: envelope.type });
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

/** amqplib's confirm callback error for a basic.nack (e.g. a queue at x-max-length with reject-publish). */
const isNack = (error: unknown) => error instanceof Error && /nack/i.test(error.message);

function traceHeadersOf(envelope: EventEnvelope): Record<string, string> {
  const headers: Record<string, string> = {};
  if (envelope.traceparent) headers.traceparent = envelope.traceparent;
  if (envelope.tracestate) headers.tracestate = envelope.tracestate;
  return headers;
}
