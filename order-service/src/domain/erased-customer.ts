/**
 * The customer snapshot of a deleted user's orders and events. A placeholder rather than null:
 * events already queued keep parsing in every consumer (they require an address), and the
 * address can never be delivered (RFC 2606 reserves .invalid).
 */
export const ERASED_CUSTOMER = { email: 'erased@deleted-user.invalid', name: 'Deleted user' } as const;
