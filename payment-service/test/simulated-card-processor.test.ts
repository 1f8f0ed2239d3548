import { ProcessorUnavailable, type ChargeRequest } from '../src/domain/card-processor';
import { createSimulatedCardProcessor } from '../src/data-access/simulated-card-processor';

const processor = createSimulatedCardProcessor({ latencyMs: 0 });
const chargeOf = (last4: string, attempt = 1, idempotencyKey = 'order-1'): ChargeRequest => ({
  paymentMethod: { token: 'pm_tok_x', brand: 'visa', last4 },
  amountCents: 100,
  currency: 'EUR',
  idempotencyKey,
  attempt,
});

describe('simulated card processor', () => {
  test.each([['4242'], ['4444'], ['1111']])('When the card ends %s, then the charge succeeds', async (last4) => {
    expect(await processor.charge(chargeOf(last4))).toEqual({ outcome: 'succeeded', processorChargeId: expect.stringMatching(/^ch_sim_/) });
  });

  test.each([
    ['0002', 'card_declined'],
    ['9995', 'insufficient_funds'],
  ])('When the card ends %s, then the charge fails with %s', async (last4, reason) => {
    expect(await processor.charge(chargeOf(last4))).toEqual({ outcome: 'failed', reason });
  });

  test('When the card ends 0119, then attempts 1 and 2 throw ProcessorUnavailable and attempt 3 succeeds', async () => {
    await expect(processor.charge(chargeOf('0119', 1))).rejects.toBeInstanceOf(ProcessorUnavailable);
    await expect(processor.charge(chargeOf('0119', 2))).rejects.toBeInstanceOf(ProcessorUnavailable);
    await expect(processor.charge(chargeOf('0119', 3))).resolves.toMatchObject({ outcome: 'succeeded' });
  });

  test('When the same idempotency key is charged again, then the same charge id comes back; another key, another id', async () => {
    const first = await processor.charge(chargeOf('4242', 1, 'order-a'));
    const again = await createSimulatedCardProcessor({ latencyMs: 0 }).charge(chargeOf('4242', 1, 'order-a'));
    const other = await processor.charge(chargeOf('4242', 1, 'order-b'));

    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  test('When a latency is configured, then the answer takes at least that long', async () => {
    const started = Date.now();

    await createSimulatedCardProcessor({ latencyMs: 60 }).charge(chargeOf('4242'));

    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  test('When a charge is refunded, then the refund succeeds with an id derived from the key: same key, same id', async () => {
    const refundOf = (idempotencyKey: string) => ({ processorChargeId: 'ch_sim_x', amountCents: 100, currency: 'EUR', idempotencyKey });

    const first = await processor.refund(refundOf('refund:payment-a'));
    const again = await createSimulatedCardProcessor({ latencyMs: 0 }).refund(refundOf('refund:payment-a'));
    const other = await processor.refund(refundOf('refund:payment-b'));

    expect(first).toEqual({ processorRefundId: expect.stringMatching(/^re_sim_[0-9a-f]{24}$/) });
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });
});
