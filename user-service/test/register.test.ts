import request from 'supertest';
import { useUserService, buildRegistration } from './test-app';

const users = useUserService();

describe('POST /users', () => {
  test('When the body is valid, then 201 with the public user and never the hash', async () => {
    const registration = buildRegistration({ email: 'Mixed.Case-' + Date.now() + '@Example.com' });

    const res = await request(users.url).post('/users').send(registration);

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: registration.name,
      email: registration.email.toLowerCase(),
      role: 'customer',
      createdAt: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/scrypt|password/i);
    const stored = await users.db.user.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(stored.passwordHash).not.toContain(registration.password);
  });

  test('When the client sends a role, then 400 and no account is created', async () => {
    const registration = { ...buildRegistration(), role: 'admin' };

    const res = await request(users.url).post('/users').send(registration);

    expect(res.status).toBe(400);
    expect(res.body.details.fields).toEqual([expect.objectContaining({ path: 'role' })]);
    expect(await users.db.user.count({ where: { email: registration.email } })).toBe(0);
  });

  test.each([
    ['email', { email: 'not-an-email' }],
    ['password', { password: 'short' }],
    ['password', { password: 'x'.repeat(129) }],
    ['name', { name: '' }],
    ['name', { name: 'n'.repeat(101) }],
  ])('When %s is invalid (%j), then 400 naming it', async (field, override) => {
    const res = await request(users.url).post('/users').send(buildRegistration(override));

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation-failed');
    expect(res.body.details.fields.map((f: { path: string }) => f.path)).toContain(field);
  });

  test('When the email exists in another letter case, then 409 email-taken', async () => {
    const registration = buildRegistration();
    await request(users.url).post('/users').send(registration).expect(201);

    const res = await request(users.url)
      .post('/users')
      .send({ ...registration, email: registration.email.toUpperCase() });

    expect(res.status).toBe(409);
    expect(res.body.code).toBe('email-taken');
    expect(await users.db.user.count({ where: { email: registration.email } })).toBe(1);
  });

  test('When the body is not JSON, then 400 malformed-request', async () => {
    const res = await request(users.url).post('/users').set('Content-Type', 'application/json').send('{"name":');

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('malformed-request');
  });

  test('When the body exceeds the size limit, then 413', async () => {
    const res = await request(users.url).post('/users').send(buildRegistration({ name: 'x'.repeat(200_000) }));

    expect(res.status).toBe(413);
    expect(res.body.code).toBe('payload-too-large');
  });
});
