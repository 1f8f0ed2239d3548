import { isUniqueViolation, sqlRows } from '@shop/platform/data';
import { Prisma } from '../generated/prisma/client';
import type { Db } from './database';

export interface StoredResponse {
  requestHash: string;
  statusCode: number;
  response: unknown;
}


export async function findStoredResponse(db: Db, userId: string, key: string): Promise<StoredResponse | null> {
  // Every order asks this first; raw on the pool (sqlRows) costs a fraction of a model query.
  const [row] = await sqlRows<StoredResponse>(db, Prisma.sql`
    SELECT request_hash AS "requestHash", status_code AS "statusCode", response
      FROM idempotency_keys WHERE user_id = ${userId}::uuid AND key = ${key}`);
  return row ?? null;
}

/**
 * Stores the first response for (user, key), as a CTE body for insertPlacedOrder's statement;
 * the primary key arbitrates races: the loser's whole statement fails (see isIdempotencyKeyTaken).
 */
export function idempotencyKeyInsertSql(userId: string, key: string, stored: StoredResponse): Prisma.Sql {
  return Prisma.sql`INSERT INTO idempotency_keys (user_id, key, request_hash, status_code, response)
    VALUES (${userId}::uuid, ${key}, ${stored.requestHash}, ${stored.statusCode}, ${JSON.stringify(stored.response)}::jsonb)`;
}

/** True when the statement failed because another request with the same key committed first. */
export function isIdempotencyKeyTaken(error: unknown): boolean {
  return isUniqueViolation(error, 'idempotency_keys_pkey');
}
