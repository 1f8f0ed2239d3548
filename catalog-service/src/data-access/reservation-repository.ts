import { inboxInsertSql } from '@shop/platform/inbox';
import type { EventEnvelope } from '@shop/platform/messaging';
import { outboxInsertSql } from '@shop/platform/outbox';
import type { ReservationItem, ReservationStatus, StockChange } from '../domain/stock-reservation';
import { Prisma } from '../generated/prisma/client';

// Stock reservations (issue 17). Every function runs inside the use case's transaction, and
// every transaction takes its locks in one order: the order's reservation row first (its
// primary key), then product rows in id order. Two handlers therefore never wait for each
// other in a cycle, whatever events arrive together.

type Tx = Prisma.TransactionClient;

/**
 * 'duplicate': the handler processed this message before. 'order-known': the message is new but
 * the order already has a reservation row (order.created redelivered with another id, or a
 * tombstone of an earlier order.cancelled): the message is recorded, nothing else happens.
 * 'claimed': the message is recorded and the row inserted with status `reserved`.
 */
export type ReservationClaim = 'duplicate' | 'order-known' | 'claimed';

/**
 * Records the message in the inbox and inserts the order's reservation row, in one statement.
 * A concurrent claim of the same message or order waits on the primary key until this
 * transaction ends, then finds it: of two deliveries only one goes on.
 */
export async function claimReservation(tx: Tx, claim: { messageId: string; handler: string; orderId: string; items: ReservationItem[] }): Promise<ReservationClaim> {
  const [row] = await tx.$queryRaw<Array<{ new_message: boolean; inserted: boolean }>>`
    WITH inbox AS (${inboxInsertSql(claim.messageId, claim.handler)}),
    reservation AS (
      INSERT INTO stock_reservations (order_id, status, items)
      SELECT ${claim.orderId}::uuid, 'reserved', ${JSON.stringify(claim.items)}::jsonb FROM inbox
      ON CONFLICT (order_id) DO NOTHING
      RETURNING order_id
    )
    SELECT EXISTS (SELECT 1 FROM inbox) AS new_message, EXISTS (SELECT 1 FROM reservation) AS inserted`;
  if (!row?.new_message) return 'duplicate';
  return row.inserted ? 'claimed' : 'order-known';
}

/** Records the message in the inbox; false when the handler processed it before. */
export async function claimMessage(tx: Tx, messageId: string, handler: string): Promise<boolean> {
  const rows = await tx.$queryRaw<unknown[]>`${inboxInsertSql(messageId, handler)}`;
  return rows.length === 1;
}

/**
 * Inserts a `released` reservation with no items for an order that has none (it was cancelled
 * before its order.created arrived), so a late order.created finds it and reserves nothing.
 * False when the order has a row already.
 */
export async function insertTombstone(tx: Tx, orderId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<unknown[]>`
    INSERT INTO stock_reservations (order_id, status, items) VALUES (${orderId}::uuid, 'released', '[]'::jsonb)
    ON CONFLICT (order_id) DO NOTHING RETURNING order_id`;
  return rows.length === 1;
}

/** An order's reservation as settling it needs it. */
export interface Reservation {
  orderId: string;
  status: ReservationStatus;
  items: ReservationItem[];
}

/** The order's reservation, locked until the transaction ends; null when the order has none. */
export async function findReservationForUpdate(tx: Tx, orderId: string): Promise<Reservation | null> {
  const [row] = await tx.$queryRaw<Array<{ status: ReservationStatus; items: ReservationItem[] }>>`
    SELECT status, items FROM stock_reservations WHERE order_id = ${orderId}::uuid FOR UPDATE`;
  return row ? { orderId, status: row.status, items: row.items } : null;
}

/**
 * Locks the products in id order (see the top of this file) and returns the units each has for
 * sale: its stock, or 0 once inactive (business rule: an inactive product cannot be ordered).
 * An unknown product is missing from the map. Until the transaction ends no other reservation
 * or adjustment can change them, so a decision made on these numbers holds.
 */
export async function lockStockOf(tx: Tx, productIds: ReadonlyArray<string>): Promise<Map<string, number>> {
  const rows = await tx.$queryRaw<Array<{ id: string; stock: number }>>`
    SELECT id, CASE WHEN active THEN stock ELSE 0 END AS stock
      FROM products WHERE id = ANY(${[...productIds]}::uuid[]) ORDER BY id FOR UPDATE`;
  return new Map(rows.map((row) => [row.id, row.stock]));
}

/**
 * Adds each change to its product's stock and reserved columns (rows locked by lockStockOf) and
 * sets the reservation's status, with the event if one is given, in one statement. The version
 * and updated_at of products stay: reservations are not catalog changes and publish no product.*.
 */
export async function applyStockChanges(tx: Tx, write: { orderId: string; status: ReservationStatus; changes: StockChange[]; event?: EventEnvelope }): Promise<void> {
  const { orderId, status, changes, event } = write;
  const ids = changes.map((c) => c.productId);
  const stockDeltas = changes.map((c) => c.stockDelta);
  const reservedDeltas = changes.map((c) => c.reservedDelta);
  const [row] = await tx.$queryRaw<Array<{ products: bigint }>>`
    WITH moved AS (
      UPDATE products AS p SET stock = p.stock + m.stock_delta, reserved = p.reserved + m.reserved_delta
        FROM unnest(${ids}::uuid[], ${stockDeltas}::int[], ${reservedDeltas}::int[]) AS m(id, stock_delta, reserved_delta)
       WHERE p.id = m.id
      RETURNING p.id
    ),
    reservation AS (
      UPDATE stock_reservations SET status = ${status}, updated_at = now() WHERE order_id = ${orderId}::uuid RETURNING order_id
    )
    ${event ? Prisma.sql`, outbox AS (${outboxInsertSql(event)})` : Prisma.empty}
    SELECT (SELECT count(*) FROM moved) AS products`;
  // A product that vanished under the lock would lose units silently: refuse (the bus retries).
  if (Number(row?.products ?? 0) !== new Set(ids).size) throw new Error(`Stock of order ${orderId}: a product to move is missing`);
}
