import { createEnvelope, type EventEnvelope } from '@shop/platform/messaging';
import { z } from 'zod';

// The events user-service publishes (through its outbox). Each payload is checked here, before
// it is recorded, and again by each consumer against its own copy of the fields.

export const userDeletedV1 = z.object({
  userId: z.uuid(),
  deletedAt: z.iso.datetime(),
});

export const sessionsRevokedV1 = z.object({
  userId: z.uuid(),
  /** Access tokens of this user issued before this instant no longer count. */
  revokedBefore: z.iso.datetime(),
  reason: z.enum(['password_changed', 'deleted']),
});

export type SessionsRevokedReason = z.infer<typeof sessionsRevokedV1>['reason'];

/** `user.deleted`: the account is gone; other services erase or anonymise what they hold of it. */
export function userDeleted(userId: string, deletedAt: Date): EventEnvelope<z.infer<typeof userDeletedV1>> {
  return createEnvelope('user.deleted', 1, userDeletedV1.parse({ userId, deletedAt: deletedAt.toISOString() }));
}

/** `user.sessions_revoked`: access tokens of the user issued before revokedBefore are refused (the gateway). */
export function sessionsRevoked(userId: string, revokedBefore: Date, reason: SessionsRevokedReason): EventEnvelope<z.infer<typeof sessionsRevokedV1>> {
  return createEnvelope('user.sessions_revoked', 1, sessionsRevokedV1.parse({ userId, revokedBefore: revokedBefore.toISOString(), reason }));
}
