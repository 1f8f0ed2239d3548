import { randomUUID } from 'node:crypto';
import { TcpProxy } from '@shop/platform/testing';
import request from 'supertest';
import { asService, asUser, buildRegistration, useUserService } from './test-app';

// The same service twice: directly on its database, and through a proxy the test can cut.
const postgres = new TcpProxy(5432);
beforeAll(() => postgres.start());
afterAll(() => postgres.stop());
const users = useUserService();
const viaProxy = useUserService({}, { get databasePort() { return postgres.port; } });

describe('health, readiness, metrics, 404', () => {
  test('When the process runs, then /health is 200', async () => {
    await request(users.url).get('/health').expect(200, { status: 'ok' });
  });

  test('When the database answers, then /ready is 200 and names the check', async () => {
    const res = await request(viaProxy.url).get('/ready');

    expect(res.status).toBe(200);
    expect(res.body.checks.database.ok).toBe(true);
  });

  test('When the database becomes unreachable, then /ready is 503 and reads answer 503, not 500', async () => {
    await postgres.cut();
    try {
      const ready = await request(viaProxy.url).get('/ready');
      const read = await request(viaProxy.url).get(`/users/${randomUUID()}`).set(asService());

      expect(ready.status).toBe(503);
      expect(ready.body.checks.database.ok).toBe(false);
      expect(read.status).toBe(503);
      expect(read.body.code).toBe('database-unavailable');
      // 5 s, jittered up to twice that so refused clients do not come back together.
      expect(Number(read.headers['retry-after'])).toBeGreaterThanOrEqual(5);
      expect(Number(read.headers['retry-after'])).toBeLessThanOrEqual(10);
    } finally {
      await postgres.restore();
    }
    await request(viaProxy.url).get('/ready').expect(200);
  });

  test('When requests were served, then /metrics has the duration histogram by route template', async () => {
    const user = (await request(users.url).post('/users').send(buildRegistration()).expect(201)).body;
    await request(users.url).get(`/users/${user.id}`).set(asUser(user.id)).expect(200);

    const res = await request(users.url).get('/metrics');

    expect(res.status).toBe(200);
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/users\/:id",status_code="200"\} \d+/);
    expect(res.text).not.toContain(user.id);
    expect(res.text).toContain('process_resident_memory_bytes');
  });

  test('When no route matches, then a JSON 404', async () => {
    const res = await request(users.url).get('/nope');

    expect(res.status).toBe(404);
    expect(res.body.code).toBe('route-not-found');
  });

  test('When a request id is sent, then it is echoed; otherwise one is made', async () => {
    const given = await request(users.url).get('/health').set('x-request-id', 'abc-123');
    const made = await request(users.url).get('/health');

    expect(given.headers['x-request-id']).toBe('abc-123');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('GET /openapi.json', () => {
  test('When fetched, then it documents every route with its schemas', async () => {
    const res = await request(users.url).get('/openapi.json');

    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths).sort()).toEqual(['/auth/login', '/auth/logout', '/auth/refresh', '/health', '/ready', '/users', '/users/me', '/users/me/password', '/users/{id}']);
    expect(Object.keys(res.body.paths['/users/me'])).toEqual(['get', 'patch', 'delete']);
    expect(res.body.components.schemas.UpdateProfile.additionalProperties).toBe(false);
    expect(Object.keys(res.body.paths['/users'])).toEqual(['post', 'get']);
    expect(res.body.components.schemas.RegisterUser.required).toEqual(['name', 'email', 'password']);
    expect(res.body.paths['/users/{id}'].get.responses).toHaveProperty('403');
  });
});
