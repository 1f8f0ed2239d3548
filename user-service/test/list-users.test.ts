import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { asUser, buildRegistration, useUserService } from './test-app';

const users = useUserService();
const admin = asUser(randomUUID(), 'admin');

describe('GET /users', () => {
  test('When an admin pages through with a cursor, then every user appears once, newest first', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await request(users.url).post('/users').send(buildRegistration()).expect(201)).body.id);

    const seen: Array<{ id: string; createdAt: string }> = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await request(users.url).get('/users').query({ limit: 2, ...(cursor ? { cursor } : {}) }).set(admin).expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);

    const ids = seen.map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of created) expect(ids).toContain(id);
    const times = seen.map((u) => Date.parse(u.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  test('When a customer lists users, then 403', async () => {
    const res = await request(users.url).get('/users').set(asUser(randomUUID()));

    expect(res.status).toBe(403);
  });

  test.each([['0'], ['101'], ['abc']])('When limit is %s, then 400', async (limit) => {
    const res = await request(users.url).get('/users').query({ limit }).set(admin);

    expect(res.status).toBe(400);
    expect(res.body.details.fields[0].path).toBe('limit');
  });

  test('When the cursor is tampered with, then 400', async () => {
    const res = await request(users.url).get('/users').query({ cursor: 'bm90LWEtY3Vyc29y' }).set(admin);

    expect(res.status).toBe(400);
    expect(res.body.details.fields[0].path).toBe('cursor');
  });
});
