import { defineSubscription } from '@shop/platform/messaging';
import { z } from 'zod';
import type { NotificationDb } from '../../data-access/database';
import { eraseUser } from '../../domain/erase-user-use-case';

// Our own copy of the one field we read from user-service's event.
const userDeleted = z.object({
  userId: z.uuid(),
});

/** `user.deleted` → the user's notifications lose their address; nothing is mailed to the user afterwards. */
export const onUserDeleted = (deps: { db: NotificationDb }) =>
  defineSubscription('user.deleted', userDeleted, async (event) => {
    await eraseUser(deps.db, event.id, event.payload.userId);
  });
