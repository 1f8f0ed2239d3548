import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessorUnavailable, type CardProcessor, type ChargeRequest, type ChargeResult, type RefundRequest, type RefundResult } from '../domain/card-processor';

/** Options of the simulated processor. */
export interface SimulatedCardProcessorOptions {
  /** Time before each answer, in ms; 0 answers at once. */
  latencyMs: number;
}

// Deterministic test cards, decided by the last four digits (all we keep of a card).
const DECLINED: Record<string, string> = {
  '0002': 'card_declined', // 4000 0000 0000 0002
  '9995': 'insufficient_funds', // 4000 0000 0000 9995
};
// 4000 0000 0000 0119: no answer on the first two attempts of a delivery, then success.
const FLAKY_LAST4 = '0119';
const FLAKY_FAILING_ATTEMPTS = 2;

// Same key, same id: what a real processor answers to a repeated idempotency key.
const idFromKey = (idempotencyKey: string) => createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 24);

/**
 * Stands in for a card processor until a real provider's client replaces it. 4242, 4444 and
 * any other card succeed; 0002 and 9995 are declined; 0119 is unavailable on attempts 1 and 2.
 * Decisions depend only on the request, so every replica and every restart answers alike, and
 * the charge id is derived from the idempotency key, as a real processor returns the first
 * charge again for a repeated key. Refunds always succeed, their id derived from the key alike.
 */
export function createSimulatedCardProcessor(options: SimulatedCardProcessorOptions): CardProcessor {
  return {
    async charge(request: ChargeRequest): Promise<ChargeResult> {
      if (options.latencyMs > 0) await sleep(options.latencyMs);
      const { last4 } = request.paymentMethod;
      if (last4 === FLAKY_LAST4 && request.attempt <= FLAKY_FAILING_ATTEMPTS) {
        throw new ProcessorUnavailable(`simulated outage (attempt ${request.attempt})`);
      }
      const declined = DECLINED[last4];
      if (declined) return { outcome: 'failed', reason: declined };
      return { outcome: 'succeeded', processorChargeId: `ch_sim_${idFromKey(request.idempotencyKey)}` };
    },
    // A refund always succeeds: the charge it gives back was made by this same simulation.
    async refund(request: RefundRequest): Promise<RefundResult> {
      if (options.latencyMs > 0) await sleep(options.latencyMs);
      return { processorRefundId: `re_sim_${idFromKey(request.idempotencyKey)}` };
    },
  };
}
