import type { VerifiedClaims } from './access-token';

interface Entry {
  claims: VerifiedClaims;
  /** When the token's exp passes, in ms since the epoch. */
  expiresAtMs: number;
}

/**
 * Claims of tokens that passed every check, keyed by the exact token string, until their exp.
 * Clients send the same token on every request of its life, so the HMAC and JSON parsing run
 * once per token. Keyed by the token itself (a Map lookup), not a hash of it: fast-jwt's own
 * cache computes a SHA-256 per request, which costs about what it saves. Refusals are never
 * stored, and an entry past its exp is dropped so the token is verified again (and reported
 * expired). Oldest entries go first once maxEntries is reached.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries: number) {}

  /** The claims of a token verified before and not yet expired at nowMs. */
  get(token: string, nowMs: number): VerifiedClaims | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (nowMs < entry.expiresAtMs) return entry.claims;
    this.entries.delete(token);
    return undefined;
  }

  /** Remembers a verified token's claims until expiresAtMs. */
  set(token: string, claims: VerifiedClaims, expiresAtMs: number): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { claims, expiresAtMs });
  }
}
