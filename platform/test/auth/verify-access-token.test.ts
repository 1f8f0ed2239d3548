import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { createAccessTokenVerifier, signAccessToken, verifyAccessToken } from '../../src/auth';

const SECRET = 'a-test-secret-of-at-least-32-characters!';
const ISSUER = 'microshop/user-service';
const AUDIENCE = 'microshop';

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Standard claims as user-service issues them, overridable one by one (undefined removes a claim). */
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const all: Record<string, unknown> = {
    sub: randomUUID(),
    role: 'customer',
    iss: ISSUER,
    aud: AUDIENCE,
    iat: nowSeconds(),
    exp: nowSeconds() + 60,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined));
}

/** A token HMAC-signed by hand, so header and claims can be anything a forger would try. */
function handSigned(payload: Record<string, unknown>, header: object = { alg: 'HS256', typ: 'JWT' }, secret = SECRET): string {
  const input = `${encode(header)}.${encode(payload)}`;
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[(header as { alg?: string }).alg ?? ''] ?? 'sha256';
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
}

describe('verifyAccessToken', () => {
  const verify = createAccessTokenVerifier(SECRET);

  afterEach(() => {
    jest.restoreAllMocks();
  });

  test('When user-service signs a token, then the verifier returns its user id, role and issue time in ms', async () => {
    // Arrange
    const userId = randomUUID();
    const before = Date.now();
    const token = signAccessToken({ userId, role: 'admin' }, SECRET, 60);
    const after = Date.now();

    // Act
    const result = verify(token);

    // Assert
    expect(result).toEqual({ ok: true, claims: { userId, role: 'admin', issuedAtMs: expect.any(Number) } });
    const { issuedAtMs } = (result as { claims: { issuedAtMs: number } }).claims;
    expect(issuedAtMs).toBeGreaterThanOrEqual(before);
    expect(issuedAtMs).toBeLessThanOrEqual(after);
  });

  test('When a token carries no iat_ms, then its issue time is iat in ms, or 0 without iat (refused by any revocation)', () => {
    // Arrange
    const iat = nowSeconds() - 5;

    // Act
    const withIat = verify(handSigned(claims({ iat })));
    const withoutIat = verify(handSigned(claims({ iat: undefined })));

    // Assert
    expect(withIat).toMatchObject({ ok: true, claims: { issuedAtMs: iat * 1000 } });
    expect(withoutIat).toMatchObject({ ok: true, claims: { issuedAtMs: 0 } });
  });

  test('When a token is signed with another secret, then it is invalid', async () => {
    // Arrange
    const token = signAccessToken({ userId: randomUUID(), role: 'customer' }, 'another-secret-of-at-least-32-characters', 60);

    // Act, Assert
    expect(verify(token)).toEqual({ ok: false, problem: 'invalid' });
  });

  test('When a claim is changed after signing, then it is invalid', () => {
    // Arrange
    const [header, , signature] = handSigned(claims()).split('.');
    const tampered = `${header}.${encode(claims({ role: 'admin' }))}.${signature}`;

    // Act, Assert
    expect(verify(tampered)).toEqual({ ok: false, problem: 'invalid' });
  });

  test('When a token says alg none and has no signature, then it is invalid', () => {
    // Arrange
    const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims({ role: 'admin' }))}.`;

    // Act, Assert
    expect(verify(token)).toEqual({ ok: false, problem: 'invalid' });
  });

  test.each(['HS384', 'HS512'])('When a token is HMAC-signed with the right secret but %s, then it is invalid', (alg) => {
    // Act, Assert
    expect(verify(handSigned(claims(), { alg, typ: 'JWT' }))).toEqual({ ok: false, problem: 'invalid' });
  });

  test('When a token is signed RS256 with some private key, then it is invalid', async () => {
    // Arrange
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = await new SignJWT({ role: 'customer' })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject(randomUUID())
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('60s')
      .sign(privateKey);

    // Act, Assert
    expect(verify(token)).toEqual({ ok: false, problem: 'invalid' });
  });

  test('When a token has expired, then the problem is expired, not invalid', () => {
    // Act, Assert
    expect(verify(handSigned(claims({ exp: nowSeconds() - 10 })))).toEqual({ ok: false, problem: 'expired' });
  });

  test('When an expired token is signed with another secret, then it is invalid: the signature is checked first', () => {
    // Act, Assert
    expect(verify(handSigned(claims({ exp: nowSeconds() - 10 }), undefined, 'x'.repeat(40)))).toEqual({ ok: false, problem: 'invalid' });
  });

  test('When a token is not valid yet (nbf in the future), then it is invalid', () => {
    // Act, Assert
    expect(verify(handSigned(claims({ nbf: nowSeconds() + 60 })))).toEqual({ ok: false, problem: 'invalid' });
  });

  test.each([
    ['another issuer', { iss: 'someone-else' }],
    ['another audience', { aud: 'some-other-app' }],
    ['no issuer', { iss: undefined }],
    ['no audience', { aud: undefined }],
    ['no expiry', { exp: undefined }],
    ['no subject', { sub: undefined }],
    ['a numeric subject', { sub: 42 }],
    ['an unknown role', { role: 'root' }],
    ['no role', { role: undefined }],
    ['a string expiry', { exp: String(nowSeconds() + 60) }],
  ])('When a correctly signed token has %s, then it is invalid', (_case, overrides) => {
    // Act, Assert
    expect(verify(handSigned(claims(overrides)))).toEqual({ ok: false, problem: 'invalid' });
  });

  test.each(['', 'not.a-jwt', 'a.b.c', `${encode({ alg: 'HS256' })}.bm90IGpzb24.sig`])('When the token is %p, then it is invalid', (token) => {
    // Act, Assert
    expect(verify(token)).toEqual({ ok: false, problem: 'invalid' });
  });

  test('When a token verified earlier expires, then it is refused as expired (the cache ends at exp)', async () => {
    // Arrange
    const token = signAccessToken({ userId: randomUUID(), role: 'customer' }, SECRET, 60);
    expect(verify(token).ok).toBe(true);
    const later = Date.now() + 61_000;
    jest.spyOn(Date, 'now').mockReturnValue(later);

    // Act, Assert
    expect(verify(token)).toEqual({ ok: false, problem: 'expired' });
  });

  test('When the one-off form is used, then it gives the same answer as a built verifier', async () => {
    // Arrange
    const token = signAccessToken({ userId: randomUUID(), role: 'customer' }, SECRET, 60);

    // Act, Assert
    expect(verifyAccessToken(token, SECRET)).toEqual(verify(token));
    expect(verifyAccessToken(token, 'another-secret-of-at-least-32-characters')).toEqual({ ok: false, problem: 'invalid' });
  });
});
