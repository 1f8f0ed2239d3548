import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { useLimitedGateways } from './support/limited-gateways';
import { tokenFor } from './support/test-gateway';
import { metricSum, TEST_REDIS_URL, useRedisKeyPrefix } from './support/test-redis';

// Several gateway replicas count in one Redis: a limit holds across all of them together.
describe('Rate limits shared by gateway replicas', () => {
  const gatewayWithLimits = useLimitedGateways().start;
  const keys = useRedisKeyPrefix();

  /** Two gateways sharing one Redis and one key prefix of this test's own. */
  async function twoReplicas(limits: { perClient: number; login: number }): Promise<[string, string]> {
    const env = { REDIS_URL: TEST_REDIS_URL, RATE_LIMIT_KEY_PREFIX: `${keys.prefix}${randomUUID()}:` };
    return [await gatewayWithLimits(limits, env), await gatewayWithLimits(limits, env)];
  }

  test.each([0, 1])(
    'When 10 login attempts were spread over two gateways, then the 11th is 429 on gateway %i as well',
    async (last) => {
      // Arrange
      const [first, second] = await twoReplicas({ perClient: 100, login: 10 });
      for (let i = 0; i < 10; i += 1) await request(i % 2 === 0 ? first : second).post('/api/auth/login').send({}).expect(200);

      // Act
      const response = await request(last === 0 ? first : second).post('/api/auth/login').send({ email: 'a@example.com', password: 'guess' });

      // Assert
      expect(response.status).toBe(429);
      expect(response.body).toMatchObject({ code: 'rate-limited' });
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    },
  );

  test('When a signed-in user spreads requests over two gateways, then they share one budget', async () => {
    // Arrange
    const [first, second] = await twoReplicas({ perClient: 4, login: 10 });
    const token = await tokenFor();
    for (const url of [first, second, first, second]) {
      await request(url).get('/api/orders').set('Authorization', `Bearer ${token}`).expect(200);
    }

    // Act
    const answers = await Promise.all([first, second].map((url) => request(url).get('/api/orders').set('Authorization', `Bearer ${token}`)));

    // Assert
    expect(answers.map((answer) => answer.status)).toEqual([429, 429]);
  });

  test('When gateways share Redis, then the counts are in Redis under the configured prefix and /metrics shows the redis store', async () => {
    // Arrange
    const prefix = `${keys.prefix}${randomUUID()}:`;
    const env = { REDIS_URL: TEST_REDIS_URL, RATE_LIMIT_KEY_PREFIX: prefix };
    const url = await gatewayWithLimits({ perClient: 100, login: 10 }, env);

    // Act
    for (let i = 0; i < 3; i += 1) await request(url).post('/api/auth/login').send({}).expect(200);
    const metrics = await request(url).get('/metrics');

    // Assert
    const loginKeys: string[] = [];
    for await (const batch of keys.redis().scanIterator({ MATCH: `${prefix}login:*` })) loginKeys.push(...batch);
    expect(loginKeys).toHaveLength(1);
    expect(await keys.redis().get(loginKeys[0] ?? '')).toBe('3');
    expect(metricSum(metrics.text, 'gateway_rate_limit_store_active', { store: 'redis' })).toBe(1);
    expect(metricSum(metrics.text, 'gateway_rate_limit_store_active', { store: 'memory' })).toBe(0);
  });
});
