import { randomUUID } from 'node:crypto';
import { IDENTITY_HEADERS } from '@shop/platform/http';
import request from 'supertest';
import { asService, asUser, buildRegistration, useUserService, GATEWAY_TOKEN } from './test-app';

const users = useUserService();

async function registered(): Promise<{ id: string; email: string }> {
  return (await request(users.url).post('/users').send(buildRegistration()).expect(201)).body;
}

describe('GET /users/:id and /users/me', () => {
  test('When users read their own id or /me, then 200 with their record', async () => {
    const user = await registered();

    const byId = await request(users.url).get(`/users/${user.id}`).set(asUser(user.id));
    const me = await request(users.url).get('/users/me').set(asUser(user.id));

    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({ id: user.id, email: user.email });
    expect(me.body).toEqual(byId.body);
  });

  test("When a customer reads someone else's id, then 403", async () => {
    const [alice, bob] = [await registered(), await registered()];

    const res = await request(users.url).get(`/users/${bob.id}`).set(asUser(alice.id));

    expect(res.status).toBe(403);
    expect(res.body.code).toBe('forbidden');
  });

  test('When an admin or another service reads any id, then 200', async () => {
    const user = await registered();

    const asAdmin = await request(users.url).get(`/users/${user.id}`).set(asUser(randomUUID(), 'admin'));
    const fromService = await request(users.url).get(`/users/${user.id}`).set(asService());

    expect(asAdmin.status).toBe(200);
    expect(fromService.status).toBe(200);
    expect(fromService.body.id).toBe(user.id);
  });

  test('When the id is unknown, then 404; when malformed, then 400', async () => {
    const unknown = await request(users.url).get(`/users/${randomUUID()}`).set(asService());
    const malformed = await request(users.url).get('/users/not-a-uuid').set(asService());

    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('user-not-found');
    expect(malformed.status).toBe(400);
    expect(malformed.body.details.fields[0].path).toBe('id');
  });

  test('When identity headers come without the gateway token, or with a wrong one, then 401', async () => {
    const user = await registered();

    const forged = await request(users.url).get(`/users/${user.id}`).set({ [IDENTITY_HEADERS.userId]: user.id, [IDENTITY_HEADERS.userRole]: 'admin' });
    const wrongToken = await request(users.url)
      .get(`/users/${user.id}`)
      .set({ ...asUser(user.id), [IDENTITY_HEADERS.gatewayToken]: 'x'.repeat(41) });
    const none = await request(users.url).get('/users/me');

    expect([forged.status, wrongToken.status, none.status]).toEqual([401, 401, 401]);
  });

  test('When the gateway token comes without a user, or with a malformed one, then 401: it never stands for a service', async () => {
    const user = await registered();
    const gateway = { [IDENTITY_HEADERS.gatewayToken]: GATEWAY_TOKEN };

    const answers = await Promise.all([
      request(users.url).get(`/users/${user.id}`).set(gateway),
      request(users.url).get(`/users/${user.id}`).set({ ...gateway, [IDENTITY_HEADERS.userRole]: 'customer' }),
      request(users.url).get(`/users/${user.id}`).set({ ...gateway, [IDENTITY_HEADERS.userId]: user.id }),
      request(users.url).get(`/users/${user.id}`).set({ ...gateway, [IDENTITY_HEADERS.userId]: 'not-a-uuid', [IDENTITY_HEADERS.userRole]: 'customer' }),
      request(users.url).get(`/users/${user.id}`).set({ ...gateway, [IDENTITY_HEADERS.userId]: user.id, [IDENTITY_HEADERS.userRole]: 'root' }),
      request(users.url).get(`/users/${user.id}`).set({ ...asUser(user.id), ...asService() }),
    ]);

    expect(answers.map((a) => [a.status, a.body.code])).toEqual(answers.map(() => [401, 'unauthorized']));
    expect(JSON.stringify(answers.map((a) => a.body))).not.toContain(user.email);
  });

  test('When a service token comes with a user identity, or the gateway token is presented as a service token, then 401', async () => {
    const user = await registered();

    const withIdentity = await request(users.url).get(`/users/${user.id}`).set({ ...asService(), [IDENTITY_HEADERS.userId]: user.id, [IDENTITY_HEADERS.userRole]: 'customer' });
    const gatewayAsService = await request(users.url).get(`/users/${user.id}`).set({ [IDENTITY_HEADERS.serviceToken]: GATEWAY_TOKEN });

    expect([withIdentity.status, gatewayAsService.status]).toEqual([401, 401]);
  });

  test('When /me is called by a service (no user), then 403', async () => {
    const res = await request(users.url).get('/users/me').set(asService());

    expect(res.status).toBe(403);
  });
});
