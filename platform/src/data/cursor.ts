import { ValidationError } from '../errors';

/** Where the next page of a newest-first listing starts. */
export interface PageCursor {
  createdAt: Date;
  id: string;
}

/** An opaque, URL-safe cursor for the item a page ended with. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`).toString('base64url');
}

// Exactly what encodeCursor writes: a canonical ISO instant and a UUID (the id columns are uuid).
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** Decodes a cursor from a query string; a tampered or foreign one is a 400, not a 500. */
export function decodeCursor(raw: string): PageCursor {
  const match = CURSOR.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  const createdAt = new Date(match?.[1] ?? '');
  // Years before 0001 round-trip through Date but cannot be sent to PostgreSQL.
  if (!match || Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== match[1] || createdAt.getUTCFullYear() < 1) {
    throw new ValidationError([{ path: 'cursor', message: 'Invalid cursor' }]);
  }
  return { createdAt, id: match[2]! };
}

/** Splits limit+1 fetched rows into a page and the cursor of the next one (null at the end). */
export function toPage<T extends PageCursor>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/**
 * The Prisma arguments of one keyset page, newest first (ties broken by id), strictly after the
 * cursor: spread into findMany next to the model's own `where`. Keyset, not offset, so a page
 * costs the same however deep it is and rows inserted meanwhile neither repeat nor vanish.
 */
export function keysetPage(limit: number, after?: PageCursor) {
  return {
    where: after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {},
    orderBy: [{ createdAt: 'desc' as const }, { id: 'desc' as const }],
    take: limit,
  };
}
