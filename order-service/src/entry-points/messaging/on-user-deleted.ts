import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import type { OrderDb } from '../../data-access/database';
import { eraseUser } from '../../domain/erase-user-use-case';

// Our own copy of the one field we read from user-service's event.
const userDeleted = z.object({
  userId: z.uuid(),
});

/** `user.deleted` → the user's orders and order events lose the customer's name and email; the orders stay. */
export const onUserDeleted = (db: OrderDb) =>
  defineSubscription('user.deleted', userDeleted, async (event) => {
    await eraseUser(db, event.id, event.payload.userId);
  });
