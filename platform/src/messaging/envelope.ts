import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { currentTraceHeaders } from '../telemetry';

/**
 * What travels on the broker and sits in the outbox: an event's identity, its routing key,
 * the version of its payload shape, when it happened, and the trace it belongs to.
 */
export interface EventEnvelope<T = unknown> {
  /** Unique per event (uuid); consumers dedupe on it (the inbox). */
  id: string;
  /** Routing key, past tense, subject first: `order.created`. */
  type: string;
  /** Version of the payload shape; bump it when the shape changes incompatibly. */
  version: number;
  /** When the fact happened, ISO 8601. */
  occurredAt: string;
  /** W3C trace context of the code that recorded the event. */
  traceparent?: string;
  tracestate?: string;
  payload: T;
}

/** The envelope's own fields; the payload is checked separately, by each subscription's schema. */
export const eventEnvelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(255),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  traceparent: z.string().optional(),
  tracestate: z.string().optional(),
  payload: z.unknown(),
});

/** An envelope schema whose payload must match payloadSchema. */
export function envelopeSchemaOf<S extends z.ZodType>(payloadSchema: S) {
  return eventEnvelopeSchema.extend({ payload: payloadSchema });
}

/** A new envelope with a fresh id, the current time and the active trace context. */
export function createEnvelope<T>(type: string, version: number, payload: T): EventEnvelope<T> {
  const { traceparent, tracestate } = currentTraceHeaders();
  return {
    id: randomUUID(),
    type,
    version,
    occurredAt: new Date().toISOString(),
    ...(traceparent ? { traceparent } : {}),
    ...(tracestate ? { tracestate } : {}),
    payload,
  };
}
