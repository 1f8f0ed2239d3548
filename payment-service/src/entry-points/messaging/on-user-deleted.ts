import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import type { PaymentDb } from '../../data-access/database';
import { eraseUser } from '../../domain/erase-user-use-case';

// Our own copy of the one field we read from user-service's event.
const userDeleted = z.object({
  userId: z.uuid(),
});

/** `user.deleted` → the user's saved cards are deleted and their holder names erased; payments stay. */
export const onUserDeleted = (deps: { db: PaymentDb }) =>
  defineSubscription('user.deleted', userDeleted, async (event) => {
    await eraseUser(deps.db, event.id, event.payload.userId, new Date());
  });
