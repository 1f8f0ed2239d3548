import { sqlRows } from '@shop/platform/data';
import { inboxContainsSql, inboxInsertSql } from '@shop/platform/inbox';
import type { EventEnvelope } from '@shop/platform/messaging';
import { outboxInsertSql } from '@shop/platform/outbox';
import type { ReservationItem, ReservationStatus, Settlement } from '../domain/stock-reservation';
import { Prisma } from '../generated/prisma/client';
import type { Db } from './database';

// Stock reservations (issue 17), each handler's write ONE statement of data-modifying CTEs
// (issue 19): as atomic as a transaction, one round trip, and product rows stay locked for one
// statement rather than across the event loop. How these statements read:
// - Every sub-statement runs on the statement's snapshot; a write reaches a later one only
//   through RETURNING. So the stock a decision is checked against is read by SELECT … FOR
//   UPDATE, which waits for a concurrent holder and returns the row's newest version, and the
//   UPDATE that follows re-reads that locked version (READ COMMITTED's re-check) before adding.
// - Lock order, in both statements: product rows in id order, then the order's reservation row,
//   then the inbox row. Two handlers therefore never wait for each other in a cycle.
// - The inbox row is the gate: it is written only when the statement's assumptions held, and
//   every other write reads from it; when they did not, nothing is written and the caller
//   decides again on the numbers the statement returns.

/** Per product id, the units for sale it had under the lock (0 when inactive; absent when unknown). */
export type StockOf = Map<string, number>;

/** What reserving an order writes, once its outcome is decided. */
export interface ReservationWrite {
  messageId: string;
  handler: string;
  orderId: string;
  /** One entry per product, in id order (sumByProduct). */
  items: ReservationItem[];
  status: 'reserved' | 'rejected';
  /** Per item (assumedStockOf): null when it was assumed to have the units, else the units it was assumed to have. */
  assumedStock: Array<number | null>;
  event: EventEnvelope;
}

/**
 * 'written' with the claim: 'claimed' (status, stock and event written), 'order-known' (the
 * order had a reservation row, or a tombstone: the message is recorded, nothing else) or
 * 'duplicate' (the handler processed this message before). 'stale': the locked stock does not
 * give the decision made, nothing written; decide again on stockOf.
 */
export type ReservationWriteResult = { result: 'written'; claim: 'claimed' | 'order-known' | 'duplicate' } | { result: 'stale'; stockOf: StockOf };

interface ReservationWriteRow {
  seen: boolean;
  holds: boolean;
  new_message: boolean;
  inserted: boolean;
  stock: Array<{ productId: string; available: number | null }>;
}

/**
 * Reserves (or rejects) the order in one statement: locks its products, and only if their stock
 * still gives the decision (every item has its units; or each short item has exactly the units
 * the rejection reports and the others theirs) records the message, inserts the reservation row
 * with the decided status, moves the units when reserved, and writes the event. A message or
 * order already known locks no product.
 */
export async function writeReservation(db: Db, write: ReservationWrite): Promise<ReservationWriteResult> {
  const { messageId, handler, orderId, items, status, event } = write;
  const ids = items.map((item) => item.productId);
  const quantities = items.map((item) => item.quantity);
  // -1: "has the units"; pg arrays of the driver adapter carry no nulls reliably.
  const assumed = write.assumedStock.map((units) => units ?? -1);
  const [row] = await sqlRows<ReservationWriteRow>(db, Prisma.sql`
    WITH known AS MATERIALIZED (
      -- done: a redelivery, or an order with a row already; nothing to lock, nothing to check.
      SELECT m.seen, m.seen OR EXISTS (SELECT 1 FROM stock_reservations WHERE order_id = ${orderId}::uuid) AS done
        FROM (SELECT ${inboxContainsSql(messageId, handler)} AS seen) AS m
    ),
    wanted AS MATERIALIZED (
      SELECT * FROM unnest(${ids}::uuid[], ${quantities}::int[], ${assumed}::int[]) AS w(product_id, quantity, assumed)
    ),
    locked AS MATERIALIZED (
      SELECT id, CASE WHEN active THEN stock ELSE 0 END AS available
        FROM products WHERE id = ANY(${ids}::uuid[]) AND NOT (SELECT done FROM known)
       ORDER BY id FOR UPDATE
    ),
    stock AS MATERIALIZED (
      SELECT w.product_id, w.quantity, w.assumed, l.available FROM wanted AS w LEFT JOIN locked AS l ON l.id = w.product_id
    ),
    holds AS MATERIALIZED (
      SELECT (SELECT done FROM known) OR coalesce(bool_and(CASE
               WHEN assumed < 0 THEN coalesce(available, 0) >= quantity
               ELSE coalesce(available, 0) = assumed AND assumed < quantity END), true) AS ok
        FROM stock
    ),
    inbox AS (${inboxInsertSql(messageId, handler, { onlyIf: Prisma.sql`(SELECT ok FROM holds)` })}),
    reservation AS (
      INSERT INTO stock_reservations (order_id, status, items)
      SELECT ${orderId}::uuid, ${status}, ${JSON.stringify(items)}::jsonb FROM inbox
      ON CONFLICT (order_id) DO NOTHING
      RETURNING order_id
    ),
    moved AS (
      UPDATE products AS p SET stock = p.stock - w.quantity, reserved = p.reserved + w.quantity
        FROM wanted AS w
       WHERE p.id = w.product_id AND ${status === 'reserved'} AND EXISTS (SELECT 1 FROM reservation)
      RETURNING p.id
    ),
    outbox AS (${outboxInsertSql(event, { onlyIf: Prisma.sql`EXISTS (SELECT 1 FROM reservation)` })})
    SELECT (SELECT seen FROM known) AS seen, (SELECT ok FROM holds) AS holds,
           EXISTS (SELECT 1 FROM inbox) AS new_message, EXISTS (SELECT 1 FROM reservation) AS inserted,
           (SELECT json_agg(json_build_object('productId', product_id, 'available', available)) FROM stock) AS stock`);
  if (!row) throw new Error('The reservation statement returned no row');
  if (row.seen) return { result: 'written', claim: 'duplicate' };
  if (!row.holds) {
    const stockOf: StockOf = new Map();
    for (const { productId, available } of row.stock) if (available !== null) stockOf.set(productId, available);
    return { result: 'stale', stockOf };
  }
  // holds but no inbox row: a concurrent delivery of the same message committed first.
  if (!row.new_message) return { result: 'written', claim: 'duplicate' };
  return { result: 'written', claim: row.inserted ? 'claimed' : 'order-known' };
}

/** What a settlement trigger writes: its message, and the settlements it causes by status. */
export interface SettlementWrite {
  messageId: string;
  handler: string;
  orderId: string;
  /** order.cancelled: an order with no reservation gets a tombstone. */
  leavesTombstone: boolean;
  settlements: ReadonlyArray<Settlement & { from: ReservationStatus }>;
}

/**
 * 'retry': the order's reservation row appeared after the statement's snapshot (its order.created
 * committed meanwhile), so it could neither be settled nor tombstoned; nothing written.
 */
export type SettlementWriteResult = 'settled' | 'tombstone' | 'unchanged' | 'no-reservation' | 'duplicate' | 'retry';

interface SettlementWriteRow {
  seen: boolean;
  holds: boolean;
  all_locked: boolean;
  new_message: boolean;
  tombstone: boolean;
  found: boolean;
  settled: boolean;
}

/**
 * Settles the order's reservation in one statement: locks the products of a reservation that
 * the trigger may settle (its items never change), then the reservation row, whose newest
 * status picks the settlement; records the message, moves the units and sets the status. For
 * an order with no reservation, order.cancelled inserts a tombstone (status released, no items).
 */
export async function writeSettlement(db: Db, write: SettlementWrite): Promise<SettlementWriteResult> {
  const { messageId, handler, orderId, leavesTombstone, settlements } = write;
  const [row] = await sqlRows<SettlementWriteRow>(db, Prisma.sql`
    WITH known AS MATERIALIZED (SELECT ${inboxContainsSql(messageId, handler)} AS seen),
    settlements AS MATERIALIZED (
      SELECT * FROM unnest(${settlements.map((s) => s.from)}::text[], ${settlements.map((s) => s.to)}::text[],
                           ${settlements.map((s) => s.move.stock)}::int[], ${settlements.map((s) => s.move.reserved)}::int[])
        AS s(from_status, to_status, stock_move, reserved_move)
    ),
    visible AS MATERIALIZED (SELECT status, items FROM stock_reservations WHERE order_id = ${orderId}::uuid),
    wanted AS MATERIALIZED (
      SELECT (item->>'productId')::uuid AS product_id, (item->>'quantity')::int AS quantity
        FROM visible, jsonb_array_elements(visible.items) AS item
       WHERE visible.status IN (SELECT from_status FROM settlements) AND NOT (SELECT seen FROM known)
    ),
    locked AS MATERIALIZED (SELECT id FROM products WHERE id IN (SELECT product_id FROM wanted) ORDER BY id FOR UPDATE),
    current AS MATERIALIZED (
      -- Reads locked first, so products are locked before this row; FOR UPDATE returns its newest status.
      SELECT status FROM stock_reservations
       WHERE order_id = ${orderId}::uuid AND NOT (SELECT seen FROM known) AND (SELECT count(*) FROM locked) >= 0
      FOR UPDATE
    ),
    settlement AS MATERIALIZED (SELECT s.* FROM current AS c JOIN settlements AS s ON s.from_status = c.status),
    tombstone AS (
      INSERT INTO stock_reservations (order_id, status, items)
      SELECT ${orderId}::uuid, 'released', '[]'::jsonb
       WHERE ${leavesTombstone} AND NOT (SELECT seen FROM known) AND NOT EXISTS (SELECT 1 FROM visible)
      ON CONFLICT (order_id) DO NOTHING
      RETURNING order_id
    ),
    holds AS MATERIALIZED (
      SELECT NOT (SELECT seen FROM known)
         AND (NOT ${leavesTombstone} OR EXISTS (SELECT 1 FROM current) OR EXISTS (SELECT 1 FROM tombstone))
         AND (NOT EXISTS (SELECT 1 FROM settlement) OR (SELECT count(*) FROM locked) = (SELECT count(*) FROM wanted)) AS ok
    ),
    inbox AS (${inboxInsertSql(messageId, handler, { onlyIf: Prisma.sql`(SELECT ok FROM holds)` })}),
    moved AS (
      UPDATE products AS p SET stock = p.stock + w.quantity * s.stock_move, reserved = p.reserved + w.quantity * s.reserved_move
        FROM wanted AS w, settlement AS s
       WHERE p.id = w.product_id AND EXISTS (SELECT 1 FROM inbox)
      RETURNING p.id
    ),
    settled AS (
      UPDATE stock_reservations AS r SET status = s.to_status, updated_at = now()
        FROM settlement AS s
       WHERE r.order_id = ${orderId}::uuid AND EXISTS (SELECT 1 FROM inbox)
      RETURNING r.order_id
    )
    SELECT (SELECT seen FROM known) AS seen, (SELECT ok FROM holds) AS holds,
           (SELECT count(*) FROM locked) = (SELECT count(*) FROM wanted) AS all_locked,
           EXISTS (SELECT 1 FROM inbox) AS new_message, EXISTS (SELECT 1 FROM tombstone) AS tombstone,
           EXISTS (SELECT 1 FROM current) AS found, EXISTS (SELECT 1 FROM settled) AS settled`);
  if (!row) throw new Error('The settlement statement returned no row');
  if (row.seen) return 'duplicate';
  // A product that vanished would lose units silently: refuse (the bus retries).
  if (!row.all_locked) throw new Error(`Stock of order ${orderId}: a product to move is missing`);
  if (!row.holds) return 'retry';
  if (!row.new_message) return 'duplicate';
  if (row.tombstone) return 'tombstone';
  if (!row.found) return 'no-reservation';
  return row.settled ? 'settled' : 'unchanged';
}
