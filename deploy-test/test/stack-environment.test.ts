// The local stack's process list (scripts/stack-lib.cjs), as `./run stack`, the e2e tests and the
// bench start it: one copy of everything by default, N copies of every service and M gateways on
// request, each environment accepted by its service's own config schema.
import { configProblems } from './support/repo';

interface StackEntry {
  name: string;
  port: number;
  env: Record<string, string>;
  replica: number;
  instance: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stack = require('../../scripts/stack-lib.cjs') as { stackEnvironment(options?: Record<string, unknown>): StackEntry[] };

describe('stackEnvironment', () => {
  test('When nothing is asked, then it is one process per service on ports 3000-3005, each URL naming one copy, no drain', () => {
    // Act
    const entries = stack.stackEnvironment();

    // Assert
    expect(entries.map((e) => [e.instance, e.port])).toEqual([
      ['user-service', 3001],
      ['catalog-service', 3005],
      ['order-service', 3002],
      ['payment-service', 3003],
      ['notification-service', 3004],
      ['api-gateway', 3000],
    ]);
    expect(entries[0]!.env.ORDER_SERVICE_URL).toBe('http://127.0.0.1:3002');
    expect(entries.some((e) => 'SHUTDOWN_DRAIN_MS' in e.env)).toBe(false);
  });

  test('When 2 replicas and 2 gateways are asked, then every copy has its own port, the copies share a database, and every URL lists both copies', () => {
    // Act
    const entries = stack.stackEnvironment({ replicas: 2, gateways: 2, portOffset: 1000 });

    // Assert
    expect(entries).toHaveLength(12);
    expect(new Set(entries.map((e) => e.port)).size).toBe(12);
    const orders = entries.filter((e) => e.name === 'order-service');
    expect(orders.map((e) => [e.instance, e.port])).toEqual([
      ['order-service', 4002],
      ['order-service#2', 4102],
    ]);
    expect(orders[0]!.env.DATABASE_URL).toBe(orders[1]!.env.DATABASE_URL);
    expect(entries[0]!.env.ORDER_SERVICE_URL).toBe('http://127.0.0.1:4002,http://127.0.0.1:4102');
    expect(entries.every((e) => e.env.SHUTDOWN_DRAIN_MS === '1000')).toBe(true);
    for (const entry of entries) expect({ instance: entry.instance, problems: configProblems(entry.name, entry.env) }).toEqual({ instance: entry.instance, problems: [] });
  });

  test('When a count is not a whole number from 1 to 9, then it is refused', () => {
    expect(() => stack.stackEnvironment({ replicas: 0 })).toThrow(/replicas/);
    expect(() => stack.stackEnvironment({ gateways: 'two' })).toThrow(/gateways/);
  });
});
