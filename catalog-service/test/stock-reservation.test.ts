import { decideReservation, RESERVE, settlementFor, stockChangesOf, sumByProduct, type ReservationStatus, type SettlementTrigger } from '../src/domain/stock-reservation';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';

describe('sumByProduct', () => {
  test('When lines repeat a product, then their quantities are summed, one entry per product, in id order', () => {
    expect(sumByProduct([{ productId: C, quantity: 1 }, { productId: A, quantity: 2 }, { productId: C, quantity: 4 }])).toEqual([
      { productId: A, quantity: 2 },
      { productId: C, quantity: 5 },
    ]);
  });
});

describe('decideReservation', () => {
  test('When every product has the units, then reserved with the items', () => {
    const items = [{ productId: A, quantity: 2 }, { productId: B, quantity: 5 }];

    expect(decideReservation(items, new Map([[A, 2], [B, 9]]))).toEqual({ outcome: 'reserved', items });
  });

  test('When some products lack units or are unknown, then rejected naming each of them with requested and available', () => {
    const items = [{ productId: A, quantity: 2 }, { productId: B, quantity: 5 }, { productId: C, quantity: 1 }];

    expect(decideReservation(items, new Map([[A, 9], [B, 4]]))).toEqual({
      outcome: 'rejected',
      unavailable: [
        { productId: B, requested: 5, available: 4 },
        { productId: C, requested: 1, available: 0 },
      ],
    });
  });
});

describe('settlementFor', () => {
  const statuses: ReservationStatus[] = ['reserved', 'committed', 'released', 'returned', 'rejected'];
  const expected: Record<SettlementTrigger, Partial<Record<ReservationStatus, string>>> = {
    'order.paid': { reserved: 'committed' },
    'order.payment_failed': { reserved: 'released' },
    'order.cancelled': { reserved: 'released', committed: 'returned' },
  };

  test.each(Object.keys(expected) as SettlementTrigger[])('When %s meets each status, then only the allowed ones move and the rest are no-ops', (trigger) => {
    const moves = Object.fromEntries(statuses.map((status) => [status, settlementFor(trigger, status)?.to]).filter(([, to]) => to));

    expect(moves).toEqual(expected[trigger]);
  });

  test('When units move, then reserving holds them, committing removes them, releasing and returning put them back on sale', () => {
    const items = [{ productId: A, quantity: 3 }];
    const changes = (trigger: SettlementTrigger, status: ReservationStatus) => stockChangesOf(items, settlementFor(trigger, status)!.move)[0];

    expect(stockChangesOf(items, RESERVE)[0]).toEqual({ productId: A, stockDelta: -3, reservedDelta: 3 });
    expect(changes('order.paid', 'reserved')).toMatchObject({ stockDelta: 0, reservedDelta: -3 });
    expect(changes('order.payment_failed', 'reserved')).toMatchObject({ stockDelta: 3, reservedDelta: -3 });
    expect(changes('order.cancelled', 'reserved')).toMatchObject({ stockDelta: 3, reservedDelta: -3 });
    expect(changes('order.cancelled', 'committed')).toMatchObject({ stockDelta: 3, reservedDelta: 0 });
  });
});
