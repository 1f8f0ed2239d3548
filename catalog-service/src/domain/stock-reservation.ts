// Business rules of stock reservations (issue 17, the order saga): pure, no I/O. catalog-service
// executes what order-service decides: order.created reserves, order.paid commits,
// order.payment_failed releases, order.cancelled releases or returns.

/** reserved → committed | released; committed → returned; rejected and released are final. */
export type ReservationStatus = 'reserved' | 'committed' | 'released' | 'returned' | 'rejected';

/** Units of one product an order holds. */
export interface ReservationItem {
  productId: string;
  quantity: number;
}

/** A product that had fewer units for sale than the order wanted. */
export interface UnavailableItem {
  productId: string;
  requested: number;
  /** Units for sale at that moment; 0 for an unknown or inactive product. */
  available: number;
}

export type ReservationDecision = { outcome: 'reserved'; items: ReservationItem[] } | { outcome: 'rejected'; unavailable: UnavailableItem[] };

/**
 * One entry per product with the quantities of its lines summed, in product-id order: the order
 * in which product rows are locked, so two reservations never wait for each other in a cycle.
 */
export function sumByProduct(lines: ReadonlyArray<ReservationItem>): ReservationItem[] {
  const totals = new Map<string, number>();
  for (const { productId, quantity } of lines) totals.set(productId, (totals.get(productId) ?? 0) + quantity);
  return [...totals].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([productId, quantity]) => ({ productId, quantity }));
}

/**
 * Business rule: all or nothing. The order is reserved only if every product has the units it
 * wants for sale; otherwise it is rejected, naming every product that lacks them.
 */
export function decideReservation(items: ReadonlyArray<ReservationItem>, stockOf: ReadonlyMap<string, number>): ReservationDecision {
  const unavailable = items
    .map(({ productId, quantity }) => ({ productId, requested: quantity, available: stockOf.get(productId) ?? 0 }))
    .filter((line) => line.available < line.requested);
  return unavailable.length === 0 ? { outcome: 'reserved', items: [...items] } : { outcome: 'rejected', unavailable };
}

/** How one unit moves between a product's columns: stock (for sale) and reserved (held for orders). */
export interface UnitMove {
  stock: -1 | 0 | 1;
  reserved: -1 | 0 | 1;
}

/** Reserving takes units off sale and holds them for the order. */
export const RESERVE: UnitMove = { stock: -1, reserved: 1 };
/** The order is paid: held units leave for good. */
const COMMIT: UnitMove = { stock: 0, reserved: -1 };
/** The order will not be paid: held units go back on sale. */
const RELEASE: UnitMove = { stock: 1, reserved: -1 };
/** A paid order is cancelled (and refunded): its units come back on sale. */
const RETURN: UnitMove = { stock: 1, reserved: 0 };

/** The order events that settle a reservation. */
export type SettlementTrigger = 'order.paid' | 'order.payment_failed' | 'order.cancelled';

/** Where a settlement takes the reservation, and how its units move. */
export interface Settlement {
  to: ReservationStatus;
  move: UnitMove;
}

// Every (trigger, status) pair missing here is a no-op: a redelivery, or events arriving out of
// order (order.paid after order.cancelled released the units must not take them again).
const SETTLEMENTS: Record<SettlementTrigger, Partial<Record<ReservationStatus, Settlement>>> = {
  'order.paid': { reserved: { to: 'committed', move: COMMIT } },
  'order.payment_failed': { reserved: { to: 'released', move: RELEASE } },
  'order.cancelled': { reserved: { to: 'released', move: RELEASE }, committed: { to: 'returned', move: RETURN } },
};

/** The settlement a trigger causes on a reservation in this status; null when it changes nothing. */
export function settlementFor(trigger: SettlementTrigger, status: ReservationStatus): Settlement | null {
  return SETTLEMENTS[trigger][status] ?? null;
}

/** Every settlement a trigger can cause, with the status it applies to (the table the SQL executes). */
export function settlementsOf(trigger: SettlementTrigger): Array<Settlement & { from: ReservationStatus }> {
  return Object.entries(SETTLEMENTS[trigger]).map(([from, settlement]) => ({ from: from as ReservationStatus, ...settlement }));
}

/**
 * Per item, what the decision assumed of its product: null when it had the units (a reserved
 * order assumes this of every item), else the units a rejection reports as available. The write
 * takes effect only if the locked stock still gives the same decision (reservation-repository).
 */
export function assumedStockOf(items: ReadonlyArray<ReservationItem>, decision: ReservationDecision): Array<number | null> {
  if (decision.outcome === 'reserved') return items.map(() => null);
  const reported = new Map(decision.unavailable.map((line) => [line.productId, line.available]));
  return items.map(({ productId }) => reported.get(productId) ?? null);
}

/** Per product, what is added to stock and to reserved when its units move. */
export interface StockChange {
  productId: string;
  stockDelta: number;
  reservedDelta: number;
}

/** The column changes of moving every item's units one way. */
export function stockChangesOf(items: ReadonlyArray<ReservationItem>, move: UnitMove): StockChange[] {
  return items.map(({ productId, quantity }) => ({ productId, stockDelta: move.stock * quantity, reservedDelta: move.reserved * quantity }));
}
