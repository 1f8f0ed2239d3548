import { isUniqueViolation } from '@shop/platform/data';
import type { Prisma } from '../generated/prisma/client';
import type { Db } from './order-repository';

export interface StoredResponse {
  requestHash: string;
  statusCode: number;
  response: unknown;
}

/** Thrown when another request with the same key committed first. */
export class IdempotencyKeyTaken extends Error {}

export async function findStoredResponse(db: Db, userId: string, key: string): Promise<StoredResponse | null> {
  return db.idempotencyKey.findUnique({
    where: { userId_key: { userId, key } },
    select: { requestHash: true, statusCode: true, response: true },
  });
}

/** Stores the first response for (user, key) in the caller's transaction; the primary key arbitrates races. */
export async function storeResponse(tx: Db, userId: string, key: string, stored: StoredResponse): Promise<void> {
  try {
    await tx.idempotencyKey.create({
      data: { userId, key, requestHash: stored.requestHash, statusCode: stored.statusCode, response: stored.response as Prisma.InputJsonValue },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new IdempotencyKeyTaken();
    throw error;
  }
}
