import request from 'supertest';
import { asUser, signUp, useUserService } from './test-app';

const users = useUserService();

describe('PATCH /users/me', () => {
  test('When a user changes their name, then 200 with the updated user, no-store, and it is stored', async () => {
    const { userId, registration } = await signUp(users.url);

    const res = await request(users.url).patch('/users/me').set(asUser(userId)).send({ name: '  Grace Hopper ' });

    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ id: userId, name: 'Grace Hopper', email: registration.email, role: 'customer' });
    expect((await request(users.url).get('/users/me').set(asUser(userId))).body.name).toBe('Grace Hopper');
  });

  test.each([{ role: 'admin' }, { email: 'x@example.com' }, { name: 'Ok', passwordHash: 'x' }])(
    'When the body carries a field that is not a profile field (%o), then 400 and nothing changes',
    async (body) => {
      const { userId, registration } = await signUp(users.url);

      const res = await request(users.url).patch('/users/me').set(asUser(userId)).send(body);

      expect(res.status).toBe(400);
      const me = (await request(users.url).get('/users/me').set(asUser(userId))).body;
      expect(me).toMatchObject({ name: registration.name, email: registration.email, role: 'customer' });
    },
  );

  test('When the name is empty, then 400', async () => {
    const { userId } = await signUp(users.url);

    expect((await request(users.url).patch('/users/me').set(asUser(userId)).send({ name: '  ' })).status).toBe(400);
  });
});
