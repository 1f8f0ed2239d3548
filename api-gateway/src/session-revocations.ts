import type { VerifiedClaims } from '@shop/platform/auth';

/** Allowance for clocks of user-service (which stamps both iat_ms and revokedBefore) and gateway differing, in ms. */
const CLOCK_SKEW_MS = 60_000;

/**
 * userId → instant before which that user's access tokens no longer count (a password change,
 * a deleted account), fed by user-service's `user.sessions_revoked` events. Checked on every
 * authenticated request after the signature (and the verified-token cache): one Map lookup,
 * no I/O. An entry is dropped once every token it refuses has expired anyway (the access-token
 * lifetime after it), so the map holds only the last few minutes of revocations.
 */
export class SessionRevocations {
  private readonly revokedBefore = new Map<string, number>();

  /** @param retentionMs how long an entry is needed: the longest access-token lifetime. */
  constructor(
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Refuses the user's tokens issued before revokedBeforeMs (a later instant wins; redeliveries change nothing). */
  revoke(userId: string, revokedBeforeMs: number): void {
    this.dropExpired();
    if (this.now() > revokedBeforeMs + this.retentionMs + CLOCK_SKEW_MS) return;
    const current = this.revokedBefore.get(userId);
    if (current === undefined || revokedBeforeMs > current) this.revokedBefore.set(userId, revokedBeforeMs);
  }

  /** True when the token was issued before its user's last revocation. */
  isRevoked(claims: VerifiedClaims): boolean {
    const before = this.revokedBefore.get(claims.userId);
    return before !== undefined && claims.issuedAtMs < before;
  }

  /** Users with a revocation held (metrics, tests). */
  get size(): number {
    return this.revokedBefore.size;
  }

  // Revocations are rare (password changes, deletions): sweeping on each costs nothing per request.
  private dropExpired(): void {
    const oldestNeeded = this.now() - this.retentionMs - CLOCK_SKEW_MS;
    for (const [userId, before] of this.revokedBefore) if (before < oldestNeeded) this.revokedBefore.delete(userId);
  }
}
