import type { EventEnvelope, EventPublisher } from '../messaging';

/** What a pipelined publish of a batch achieved. */
export interface PipelinedPublishResult {
  /** How many messages, from the first, the broker confirmed without a gap. */
  confirmed: number;
  /** The first message that was not confirmed, and why; absent when all were. */
  failure?: { index: number; error: unknown };
}

/**
 * Sends every envelope at once and waits for all the confirms together: one wait for the
 * batch instead of one broker round trip per message. The publisher keeps call order on the
 * wire (see EventPublisher), so the batch leaves in order. Only the confirmed prefix counts as
 * published: a later message confirmed after an unconfirmed one is not, so it is published
 * again behind the failed one (at least once, and the last copies arrive in order).
 */
export async function publishPipelined(publisher: EventPublisher, envelopes: readonly EventEnvelope[]): Promise<PipelinedPublishResult> {
  // Started synchronously one after the other, so they reach the publisher in this order.
  const outcomes = await Promise.allSettled(envelopes.map((envelope) => publisher.publish(envelope)));
  const index = outcomes.findIndex((outcome) => outcome.status === 'rejected');
  if (index === -1) return { confirmed: envelopes.length };
  return { confirmed: index, failure: { index, error: (outcomes[index] as PromiseRejectedResult).reason } };
}
