import fc from 'fast-check';
import { authenticationFor, isRouted, routingTable, upstreamServices } from '../src/routing-table';
import { testConfig } from './support/test-gateway';

describe('Routing table', () => {
  let table: ReturnType<typeof routingTable>;

  beforeAll(async () => {
    table = routingTable(await testConfig({ USER_SERVICE_URL: 'http://users:1', ORDER_SERVICE_URL: 'http://orders:2' }));
  });

  test('When the table is built, then it serves every prefix with targets from config', () => {
    // Assert
    expect(table.map((route) => [route.prefix, route.service])).toEqual([
      ['/api/users', 'user-service'],
      ['/api/auth', 'user-service'],
      ['/api/orders', 'order-service'],
      ['/api/products', 'catalog-service'],
      ['/api/payments', 'payment-service'],
      ['/api/notifications', 'notification-service'],
    ]);
    expect(table.find((route) => route.prefix === '/api/orders')?.targets).toEqual(['http://orders:2']);
  });

  test('When a service URL variable lists several replicas, then the route holds each of them', async () => {
    // Arrange
    const replicated = routingTable(await testConfig({ ORDER_SERVICE_URL: 'http://orders-1:2, http://orders-2:2' }));

    // Assert
    expect(replicated.find((route) => route.prefix === '/api/orders')?.targets).toEqual(['http://orders-1:2', 'http://orders-2:2']);
  });

  test('When services serve several prefixes, then each is listed once', () => {
    // Act
    const services = upstreamServices(table);

    // Assert
    expect(services.map((service) => service.name)).toEqual(['user-service', 'order-service', 'catalog-service', 'payment-service', 'notification-service']);
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
    const needs = authenticationFor(table);

    // Assert
    expect(needs('POST', '/api/users')).toBe('none');
    expect(needs('post', '/api/users/')).toBe('none');
    expect(needs('POST', '/api/auth/login')).toBe('none');
    expect(needs('GET', '/api/users')).toBe('required');
    expect(needs('POST', '/api/users/me')).toBe('required');
    expect(needs('DELETE', '/api/auth/login')).toBe('required');
  });

  test('When products are browsed, then a token is optional for the list and one product, and required for everything else', () => {
    // Arrange
    const needs = authenticationFor(table);

    // Assert
    expect(needs('GET', '/api/products')).toBe('optional');
    expect(needs('GET', '/api/Products/')).toBe('optional');
    expect(needs('GET', '/api/products/0f6e4d3c-1b2a-4c5d-8e9f-0a1b2c3d4e5f')).toBe('optional');
    expect(needs('POST', '/api/products')).toBe('required');
    expect(needs('PATCH', '/api/products/abc')).toBe('required');
    expect(needs('POST', '/api/products/abc/stock-adjustments')).toBe('required');
    expect(needs('GET', '/api/products/abc/stock-adjustments')).toBe('required');
  });
});
