import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import request from 'supertest';
import { JWT_SECRET, startTestGateway, tokenFor, type TestGateway } from './support/test-gateway';
import { startUpstreamStub, type UpstreamStub } from './support/upstream-stub';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const key = (secret: string) => new TextEncoder().encode(secret);
const inOneMinute = () => Math.floor(Date.now() / 1000) + 60;

/** A token signed with the right key but claims chosen by the test. */
function signWith(claims: { iss: string; aud: string; sub?: string; role?: unknown }, secret = JWT_SECRET): Promise<string> {
  return new SignJWT({ role: 'role' in claims ? claims.role : 'customer' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub ?? randomUUID())
    .setIssuer(claims.iss)
    .setAudience(claims.aud)
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(key(secret));
}

describe('JWT authentication', () => {
  let orders: UpstreamStub;
  let gateway: TestGateway;

  beforeAll(async () => {
    orders = await startUpstreamStub();
    gateway = await startTestGateway({ ORDER_SERVICE_URL: orders.url });
  });

  afterAll(async () => {
    await gateway.stop();
    await orders.close();
  });

  /** Calls a protected route with the given Authorization header and checks the service was not reached. */
  async function callRefused(authorization: string | undefined) {
    const before = orders.requests.length;
    const call = request(gateway.url).get('/api/orders');
    const response = await (authorization === undefined ? call : call.set('Authorization', authorization));
    expect(orders.requests.length).toBe(before);
    return response;
  }

  test('When a client sends no Authorization header, then it gets 401 missing-token with a Bearer challenge', async () => {
    // Act
    const response = await callRefused(undefined);

    // Assert
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ code: 'missing-token', message: expect.any(String) });
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  test('When a client sends Basic credentials, then it gets 401 missing-token', async () => {
    // Act
    const response = await callRefused(`Basic ${Buffer.from('a:b').toString('base64')}`);

    // Assert
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'missing-token' });
  });

  test('When a token is signed with another secret, then the client gets 401 invalid-token', async () => {
    // Arrange
    const forged = await signWith({ iss: 'microshop/user-service', aud: 'microshop' }, 'another-secret-of-at-least-32-characters!');

    // Act
    const response = await callRefused(`Bearer ${forged}`);

    // Assert
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'invalid-token' });
  });

  test('When a token has expired, then the client gets 401 token-expired', async () => {
    // Arrange
    const expired = await tokenFor({}, -10);

    // Act
    const response = await callRefused(`Bearer ${expired}`);

    // Assert
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'token-expired' });
  });

  test('When a token claims alg none without a signature, then the client gets 401 invalid-token', async () => {
    // Arrange
    const header = base64url({ alg: 'none', typ: 'JWT' });
    const payload = base64url({ sub: randomUUID(), role: 'admin', iss: 'microshop/user-service', aud: 'microshop', exp: inOneMinute() });

    // Act
    const response = await callRefused(`Bearer ${header}.${payload}.`);

    // Assert
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'invalid-token' });
  });

  test('When a token is signed with the right secret but HS512, then the client gets 401 invalid-token', async () => {
    // Arrange
    const token = await new SignJWT({ role: 'customer' })
      .setProtectedHeader({ alg: 'HS512', typ: 'JWT' })
      .setSubject(randomUUID())
      .setIssuer('microshop/user-service')
      .setAudience('microshop')
      .setExpirationTime('60s')
      .sign(key(JWT_SECRET));

    // Act
    const response = await callRefused(`Bearer ${token}`);

    // Assert
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'invalid-token' });
  });

  test('When a valid token has its role changed to admin, then the client gets 401 invalid-token', async () => {
    // Arrange
    const [header, payload, signature] = (await tokenFor()).split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = `${header}.${base64url({ ...claims, role: 'admin' })}.${signature}`;

    // Act
    const response = await callRefused(`Bearer ${tampered}`);

    // Assert
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'invalid-token' });
  });

  test('When a token was minted for another audience, then the client gets 401 invalid-token', async () => {
    // Arrange
    const token = await signWith({ iss: 'microshop/user-service', aud: 'some-other-app' });

    // Act
    const response = await callRefused(`Bearer ${token}`);

    // Assert
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'invalid-token' });
  });

  test('When a token comes from another issuer, then the client gets 401 invalid-token', async () => {
    // Arrange
    const token = await signWith({ iss: 'someone-else', aud: 'microshop' });

    // Act
    const response = await callRefused(`Bearer ${token}`);

    // Assert
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'invalid-token' });
  });

  test('When the token is not a JWT at all, then the client gets 401 invalid-token', async () => {
    // Act
    const response = await callRefused('Bearer not.a-jwt');

    // Assert
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'invalid-token' });
  });

  test('When a valid token is sent with a lower-case bearer scheme, then the request reaches the service', async () => {
    // Arrange
    const token = await tokenFor();

    // Act
    const response = await request(gateway.url).get('/api/orders').set('Authorization', `bearer ${token}`);

    // Assert
    expect(response.status).toBe(200);
  });

  test.each([
    ['a subject with CR/LF and a header after it', `${randomUUID()}\r\nx-user-role: admin`],
    ['a subject that is not a UUID', 'alice'],
    ['an empty subject', ''],
    ['a UUID with trailing text', `${randomUUID()} `],
  ])('When a token signed with the real key carries %s, then 401 invalid-token and the service is not reached', async (_what, sub) => {
    // Arrange
    const token = await signWith({ iss: 'microshop/user-service', aud: 'microshop', sub });

    // Act
    const response = await callRefused(`Bearer ${token}`);

    // Assert
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'invalid-token' });
  });

  test.each([['root'], ['Admin'], [['admin']], [null]])('When a token signed with the real key carries role %j, then 401 invalid-token', async (role) => {
    // Arrange
    const token = await signWith({ iss: 'microshop/user-service', aud: 'microshop', role });

    // Act
    const response = await callRefused(`Bearer ${token}`);

    // Assert
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'invalid-token' });
  });
});
