import type { z } from 'zod';
import type { EventEnvelope } from './envelope';

/**
 * Sends an event to the broker and resolves once the broker has it. Only the outbox relay
 * calls this: services record events in the outbox (outboxInsertSql), in their own transaction.
 * Rejects with BrokerUnavailableError when the broker cannot take anything now (try again
 * later), and with MessageRejectedError when the broker refused this message (a nack).
 */
export interface EventPublisher {
  /**
   * Resolves once the broker confirmed the event. Calls started one after another without
   * waiting reach the broker in call order (RabbitMqEventBus: one confirm channel, sent in
   * FIFO order), so a caller may start a batch and await the confirms together.
   */
  publish(envelope: EventEnvelope): Promise<void>;
  /**
   * Optional: calls listener each time the publisher is connected again (after an outage), so a
   * caller waiting out a backoff can publish at once. Returns a function that removes it.
   */
  onConnected?(listener: () => void): () => void;
}

/**
 * What a service's code depends on for events: subscribe before start, publish (the outbox relay
 * does; use cases record events in the outbox instead), a readiness check, and close. The
 * RabbitMQ implementation (RabbitMqEventBus) sits beside it.
 */
export interface EventBus extends EventPublisher {
  /** Registers the handler of one event type; call before start(). */
  subscribe<T>(subscription: EventSubscription<T>): void;
  /** Connects (in the background while the broker is down) and starts consuming. */
  start(): Promise<void>;
  /** Rejects, saying why, while the bus cannot publish or consume. */
  readonly brokerCheck: () => Promise<void>;
  /** Stops consuming, lets running handlers finish (bounded), closes. */
  close(): Promise<void>;
}

/** What a handler learns about the delivery besides the event. */
export interface DeliveryMeta {
  /** True when the broker delivered this message before (a consumer died before acking it). */
  redelivered: boolean;
  /** 1 on the first handling, 2 on the first retry, and so on. */
  attempt: number;
}

/**
 * Handles one event. Resolve to acknowledge it; throw to have it retried later (and finally
 * parked in the dead queue). Must be idempotent: record the event id with `markProcessed`
 * in the same transaction as the effect.
 */
export type EventHandler<T> = (event: EventEnvelope<T>, meta: DeliveryMeta) => Promise<void>;

/** One subscribed event type: the routing key, the fields the consumer reads, and its handler. */
export interface EventSubscription<T = unknown> {
  type: string;
  /** The consumer's own copy of the payload fields it reads; an invalid payload is dead-lettered. */
  payloadSchema: z.ZodType<T>;
  handler: EventHandler<T>;
}

/** A subscription whose handler's payload type is inferred from the schema. */
export function defineSubscription<S extends z.ZodType>(
  type: string,
  payloadSchema: S,
  handler: EventHandler<z.output<S>>,
): EventSubscription<z.output<S>> {
  return { type, payloadSchema: payloadSchema as z.ZodType<z.output<S>>, handler };
}
