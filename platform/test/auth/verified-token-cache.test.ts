import { VerifiedTokenCache } from '../../src/auth/verified-token-cache';

const claims = { userId: 'u-1', role: 'customer' as const, issuedAtMs: 0 };

describe('VerifiedTokenCache', () => {
  test('When a token is looked up before its expiry, then its claims come back', () => {
    // Arrange
    const cache = new VerifiedTokenCache(10);
    cache.set('token-a', claims, 2_000);

    // Act, Assert
    expect(cache.get('token-a', 1_999)).toBe(claims);
  });

  test('When a token is looked up at or after its expiry, then nothing comes back', () => {
    // Arrange
    const cache = new VerifiedTokenCache(10);
    cache.set('token-a', claims, 2_000);

    // Act, Assert
    expect(cache.get('token-a', 2_000)).toBeUndefined();
    expect(cache.get('token-a', 1_000)).toBeUndefined();
  });

  test('When a token differs from a stored one by one character, then nothing comes back', () => {
    // Arrange
    const cache = new VerifiedTokenCache(10);
    cache.set('header.payload.signature', claims, 2_000);

    // Act, Assert
    expect(cache.get('header.payload.signaturf', 1_000)).toBeUndefined();
  });

  test('When the cache is full, then the oldest token is dropped first', () => {
    // Arrange
    const cache = new VerifiedTokenCache(2);
    cache.set('token-a', claims, 2_000);
    cache.set('token-b', claims, 2_000);

    // Act
    cache.set('token-c', claims, 2_000);

    // Assert
    expect(cache.get('token-a', 1_000)).toBeUndefined();
    expect(cache.get('token-b', 1_000)).toBe(claims);
    expect(cache.get('token-c', 1_000)).toBe(claims);
  });
});
