import { SessionRevocations } from '../src/session-revocations';

const USER = '6f1f3f4e-1111-4c1c-9a0a-000000000001';
const OTHER = '6f1f3f4e-1111-4c1c-9a0a-000000000002';
const claims = (userId: string, issuedAtMs: number) => ({ userId, role: 'customer' as const, issuedAtMs });

describe('SessionRevocations', () => {
  test('When a user is revoked at T, then their tokens issued before T are refused, at or after T accepted, others untouched', () => {
    let now = 1_000_000;
    const revocations = new SessionRevocations(900_000, () => now);

    revocations.revoke(USER, 1_000_000);
    now += 10;

    expect(revocations.isRevoked(claims(USER, 999_999))).toBe(true);
    expect(revocations.isRevoked(claims(USER, 1_000_000))).toBe(false);
    expect(revocations.isRevoked(claims(OTHER, 999_999))).toBe(false);
  });

  test('When an older revocation arrives after a newer one (redelivery, reordering), then the newer instant stays', () => {
    const revocations = new SessionRevocations(900_000, () => 2_000_000);

    revocations.revoke(USER, 2_000_000);
    revocations.revoke(USER, 1_500_000);

    expect(revocations.isRevoked(claims(USER, 1_800_000))).toBe(true);
  });

  test('When every token a revocation refuses has expired, then the entry is dropped (memory stays bounded)', () => {
    let now = 0;
    const revocations = new SessionRevocations(900_000, () => now);
    revocations.revoke(USER, 0);

    now = 900_000 + 60_000 + 1;
    revocations.revoke(OTHER, now);

    expect(revocations.size).toBe(1);
    expect(revocations.isRevoked(claims(OTHER, now - 1))).toBe(true);
  });

  test('When a revocation arrives older than the token lifetime, then it is not held', () => {
    const revocations = new SessionRevocations(900_000, () => 10_000_000);

    revocations.revoke(USER, 1_000);

    expect(revocations.size).toBe(0);
  });
});
