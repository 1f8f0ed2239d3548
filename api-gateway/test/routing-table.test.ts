import fc from 'fast-check';
import { isRouted, publicRouteMatcher, routingTable, upstreamServices } from '../src/routing-table';
import { testConfig } from './support/test-gateway';

describe('Routing table', () => {
  let table: ReturnType<typeof routingTable>;

  beforeAll(async () => {
    table = routingTable(await testConfig({ USER_SERVICE_URL: 'http://users:1', ORDER_SERVICE_URL: 'http://orders:2' }));
  });

  test('When the table is built, then it serves all five prefixes with targets from config', () => {
    // Assert
    expect(table.map((route) => [route.prefix, route.service])).toEqual([
      ['/api/users', 'user-service'],
      ['/api/auth', 'user-service'],
      ['/api/orders', 'order-service'],
      ['/api/payments', 'payment-service'],
      ['/api/notifications', 'notification-service'],
    ]);
    expect(table.find((route) => route.prefix === '/api/orders')?.target).toBe('http://orders:2');
  });

  test('When services serve several prefixes, then each is listed once', () => {
    // Act
    const services = upstreamServices(table);

    // Assert
    expect(services.map((service) => service.name)).toEqual(['user-service', 'order-service', 'payment-service', 'notification-service']);
  });

  test('When any path continues a prefix after a slash, then it is routed; glued to the prefix, it is not', () => {
    const segment = fc.stringMatching(/^[a-z0-9{}-]{1,12}$/);
    fc.assert(
      fc.property(fc.constantFrom(...table.map((route) => route.prefix)), segment, (prefix, tail) => {
        expect(isRouted(table, `${prefix}/${tail}`)).toBe(true);
        expect(isRouted(table, `${prefix}${tail}`)).toBe(false);
      }),
    );
  });

  test('When a route is public for POST, then other methods on it are not public', () => {
    // Arrange
    const isPublicRoute = publicRouteMatcher(table);

    // Assert
    expect(isPublicRoute('POST', '/api/users')).toBe(true);
    expect(isPublicRoute('post', '/api/users/')).toBe(true);
    expect(isPublicRoute('POST', '/api/auth/login')).toBe(true);
    expect(isPublicRoute('GET', '/api/users')).toBe(false);
    expect(isPublicRoute('POST', '/api/users/me')).toBe(false);
    expect(isPublicRoute('DELETE', '/api/auth/login')).toBe(false);
  });
});
