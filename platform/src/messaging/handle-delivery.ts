import type { ConsumeMessage } from 'amqplib';
import { getLogger, runWithContext } from '../logging';
import { contextFromHeaders, withSpan } from '../telemetry';
import { eventEnvelopeSchema } from './envelope';
import type { EventSubscription } from './event-bus';
import type { ServiceTopology } from './topology';

const log = getLogger('messaging');

/** Header carrying the attempt number of a retried copy (absent on the first delivery). */
export const ATTEMPT_HEADER = 'x-attempt';
/** Header carrying why a copy was retried or parked. */
export const ERROR_HEADER = 'x-error';
/** Header carrying the routing key the message was first published with. */
export const ORIGINAL_ROUTING_KEY_HEADER = 'x-original-routing-key';

/** What to do with a delivery once its handler settled. */
export type Disposition =
  | { outcome: 'acked' }
  | { outcome: 'retried' | 'dead-lettered'; queue: string; error: string; attempt: number };

/** The event type a delivery's metric and log lines are labelled with. */
export function typeOf(msg: ConsumeMessage): string {
  return typeof msg.properties.type === 'string' && msg.properties.type ? msg.properties.type : msg.fields.routingKey;
}

/** The attempt number of a delivery: its x-attempt header, or 1. */
export function attemptOf(msg: ConsumeMessage): number {
  const value = Number(msg.properties.headers?.[ATTEMPT_HEADER]);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}

/**
 * Validates a delivery and runs its subscription's handler inside a consumer span (child of
 * the publisher's trace) and a log context (requestId = event id), then decides its fate:
 * ack on success; a poison message (bad JSON, envelope or payload) goes straight to the dead
 * queue; a failure goes to the next retry queue, or to the dead queue once out of attempts.
 */
export async function handleDelivery(
  msg: ConsumeMessage,
  subscriptions: ReadonlyMap<string, EventSubscription<unknown>>,
  topology: ServiceTopology,
): Promise<Disposition> {
  const attempt = attemptOf(msg);
  const poison = (error: string): Disposition => ({ outcome: 'dead-lettered', queue: topology.deadQueue, error, attempt });

  let json: unknown;
  try {
    json = JSON.parse(msg.content.toString('utf8'));
  } catch {
    return poison('message body is not valid JSON');
  }
  const envelope = eventEnvelopeSchema.safeParse(json);
  if (!envelope.success) return poison(`invalid envelope: ${summarize(envelope.error.issues)}`);
  const subscription = subscriptions.get(envelope.data.type);
  if (!subscription) return poison(`no subscription for event type ${envelope.data.type}`);
  const payload = subscription.payloadSchema.safeParse(envelope.data.payload);
  if (!payload.success) return poison(`invalid payload: ${summarize(payload.error.issues)}`);

  const event = { ...envelope.data, payload: payload.data };
  const parent = contextFromHeaders({
    traceparent: event.traceparent,
    tracestate: event.tracestate,
    ...msg.properties.headers,
  });
  try {
    await runWithContext({ requestId: event.id }, () =>
      withSpan(
        `${event.type} receive`,
        'consumer',
        async (span) => {
          span.setAttributes({
            'messaging.system': 'rabbitmq',
            'messaging.operation.type': 'process',
            'messaging.destination.name': msg.fields.exchange || topology.exchange,
            'messaging.rabbitmq.destination.routing_key': event.type,
            'messaging.message.id': event.id,
          });
          try {
            await subscription.handler(event, { redelivered: msg.fields.redelivered, attempt });
          } catch (error) {
            log.warn('Message handler failed', { type: event.type, messageId: event.id, attempt, error });
            throw error;
          }
        },
        parent,
      ),
    );
    return { outcome: 'acked' };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (attempt <= topology.retryQueues.length) {
      return { outcome: 'retried', queue: topology.retryQueues[attempt - 1]!, error: reason, attempt };
    }
    return { outcome: 'dead-lettered', queue: topology.deadQueue, error: reason, attempt };
  }
}

/** Headers of the copy sent to a retry or dead queue. */
export function headersOfCopy(msg: ConsumeMessage, disposition: Exclude<Disposition, { outcome: 'acked' }>) {
  const headers: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(msg.properties.headers ?? {})) {
    // The broker's own dead-letter history would grow with every round; our headers say enough.
    if (key === 'x-death' || key.startsWith('x-first-death') || key.startsWith('x-last-death')) continue;
    headers[key] = value;
  }
  headers[ERROR_HEADER] = disposition.error.slice(0, 1000);
  headers[ORIGINAL_ROUTING_KEY_HEADER] ??= msg.fields.routingKey;
  if (disposition.outcome === 'retried') headers[ATTEMPT_HEADER] = disposition.attempt + 1;
  return headers;
}

function summarize(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
