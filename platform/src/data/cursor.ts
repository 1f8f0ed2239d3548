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

/** Decodes a cursor from a query string; a tampered or foreign one is a 400, not a 500. */
export function decodeCursor(raw: string): PageCursor {
  const [iso, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new ValidationError([{ path: 'cursor', message: 'Invalid cursor' }]);
  }
  return { createdAt, id };
}

/** Splits limit+1 fetched rows into a page and the cursor of the next one (null at the end). */
export function toPage<T extends PageCursor>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
