import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { INTERNAL_TOKEN, startTestGateway, tokenFor, type TestGateway } from './support/test-gateway';
import { startUpstreamStub, type Echo, type UpstreamStub } from './support/upstream-stub';

const FORGED = {
  'X-User-Id': '00000000-0000-4000-8000-000000000000',
  'X-User-Role': 'admin',
  'X-Internal-Token': 'guessed-internal-token-guessed-internal-token',
};

describe('Identity headers', () => {
  let users: UpstreamStub;
  let orders: UpstreamStub;
  let gateway: TestGateway;

  beforeAll(async () => {
    [users, orders] = await Promise.all([startUpstreamStub(), startUpstreamStub()]);
    gateway = await startTestGateway({ USER_SERVICE_URL: users.url, ORDER_SERVICE_URL: orders.url });
  });

  afterAll(async () => {
    await gateway.stop();
    await Promise.all([users.close(), orders.close()]);
  });

  test('When a signed-in client forges identity headers, then the service receives only the verified identity and the internal token', async () => {
    // Arrange
    const userId = randomUUID();
    const token = await tokenFor({ userId, role: 'customer' });

    // Act
    const response = await request(gateway.url).get('/api/orders').set('Authorization', `Bearer ${token}`).set(FORGED);

    // Assert
    const { headers } = response.body as Echo;
    expect(headers['x-user-id']).toBe(userId);
    expect(headers['x-user-role']).toBe('customer');
    expect(headers['x-internal-token']).toBe(INTERNAL_TOKEN);
  });

  test('When an admin calls a service, then the service receives the admin role from the token', async () => {
    // Arrange
    const userId = randomUUID();
    const token = await tokenFor({ userId, role: 'admin' });

    // Act
    const response = await request(gateway.url).get('/api/orders').set('Authorization', `Bearer ${token}`);

    // Assert
    expect((response.body as Echo).headers).toMatchObject({ 'x-user-id': userId, 'x-user-role': 'admin' });
  });

  test.each([
    ['registers', '/api/users'],
    ['logs in', '/api/auth/login'],
  ])('When a client %s with forged identity headers, then the service receives no identity and no internal token', async (_what, path) => {
    // Act
    const response = await request(gateway.url).post(path).set(FORGED).send({ email: 'a@example.com', password: 'secret-password' });

    // Assert
    expect(response.status).toBe(200);
    const { headers } = response.body as Echo;
    expect(headers['x-user-id']).toBeUndefined();
    expect(headers['x-user-role']).toBeUndefined();
    expect(headers['x-internal-token']).toBeUndefined();
  });

  test('When a client sends a public route a valid token anyway, then the service still receives no identity', async () => {
    // Arrange
    const token = await tokenFor();

    // Act
    const response = await request(gateway.url).post('/api/users').set('Authorization', `Bearer ${token}`).send({});

    // Assert
    expect((response.body as Echo).headers['x-internal-token']).toBeUndefined();
    expect((response.body as Echo).headers['x-user-id']).toBeUndefined();
  });

  test('When a client reads /api/users without a token, then it is refused: only POST /api/users is public', async () => {
    // Arrange
    const before = users.requests.length;

    // Act
    const response = await request(gateway.url).get('/api/users');

    // Assert
    expect(response.status).toBe(401);
    expect(users.requests.length).toBe(before);
  });

  test('When a client sends its own X-Forwarded-For, then the service receives it with the client address appended', async () => {
    // Act
    const response = await request(gateway.url).post('/api/auth/login').set('X-Forwarded-For', '203.0.113.9').send({});

    // Assert
    expect((response.body as Echo).headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
  });
});
