import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { asUser, buildRegistration, useUserService } from './test-app';

// Input PostgreSQL or the router cannot take: found by the e2e fuzz suite as 500s, now 400s
// (platform/src/http: define-route refuses NUL characters, the error handler maps undecodable paths).
const users = useUserService();

describe('Hostile input reaching user-service', () => {
  test('When a registration name holds a NUL character, then 400 naming the field and no account is created', async () => {
    // Arrange
    const registration = buildRegistration({ name: 'Ada\u0000Lovelace' });

    // Act
    const refused = await request(users.url).post('/users').send(registration);
    const retried = await request(users.url).post('/users').send({ ...registration, name: 'Ada Lovelace' });

    // Assert
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      code: 'validation-failed',
      message: expect.any(String),
      details: { fields: [{ path: 'name', message: 'must not contain NUL characters' }] },
    });
    expect(retried.status).toBe(201);
  });

  test('When a login email holds a NUL character, then 400 instead of a database error', async () => {
    // Act
    const response = await request(users.url).post('/auth/login').send({ email: 'ada\u0000@example.com', password: 'whatever-it-is' });

    // Assert
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'validation-failed', details: { fields: [{ path: 'email' }] } });
  });

  test.each(['%', '%zz', '%E0%A4%A', '%c0%af'])('When the id in the path is the broken escape %s, then 400 malformed-request', async (id) => {
    // Act
    const response = await request(users.url).get(`/users/${id}`).set(asUser(randomUUID()));

    // Assert
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ code: 'malformed-request', message: expect.any(String) });
  });
});
