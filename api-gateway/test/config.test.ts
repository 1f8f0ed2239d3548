import { ConfigError, loadConfig } from '@shop/platform/config';
import { gatewayConfigSchema } from '../src/config';
import { GATEWAY_TOKEN, JWT_SECRET } from './support/test-gateway';

describe('Gateway configuration', () => {
  test('When JWT_SECRET is missing, then loading fails with an error naming JWT_SECRET', () => {
    // Act
    const load = () => loadConfig(gatewayConfigSchema, { GATEWAY_TOKEN });

    // Assert
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/JWT_SECRET/);
  });

  test('When GATEWAY_TOKEN is too short, then loading fails naming GATEWAY_TOKEN', () => {
    // Act
    const load = () => loadConfig(gatewayConfigSchema, { JWT_SECRET, GATEWAY_TOKEN: 'short' });

    // Assert
    expect(load).toThrow(/GATEWAY_TOKEN/);
  });

  test('When a service URL is not http(s), then loading fails naming that variable', () => {
    // Act
    const load = () => loadConfig(gatewayConfigSchema, { JWT_SECRET, GATEWAY_TOKEN, ORDER_SERVICE_URL: 'ftp://orders' });

    // Assert
    expect(load).toThrow(/ORDER_SERVICE_URL/);
  });

  test('When REDIS_URL is not a redis:// or rediss:// URL, then loading fails naming REDIS_URL', () => {
    // Act
    const load = () => loadConfig(gatewayConfigSchema, { JWT_SECRET, GATEWAY_TOKEN, REDIS_URL: 'http://redis:6379' });

    // Assert
    expect(load).toThrow(/REDIS_URL/);
    expect(loadConfig(gatewayConfigSchema, { JWT_SECRET, GATEWAY_TOKEN, REDIS_URL: 'rediss://redis:6380' }).REDIS_URL).toBe('rediss://redis:6380');
  });

  test('When a service URL lists replicas, comma-separated, then each one is kept and each must be an http URL', () => {
    // Act
    const config = loadConfig(gatewayConfigSchema, { JWT_SECRET, GATEWAY_TOKEN, ORDER_SERVICE_URL: 'http://orders-1:3002, http://orders-2:3002' });

    // Assert
    expect(config.ORDER_SERVICE_URL).toEqual(['http://orders-1:3002', 'http://orders-2:3002']);
    expect(() => loadConfig(gatewayConfigSchema, { JWT_SECRET, GATEWAY_TOKEN, ORDER_SERVICE_URL: 'http://orders-1:3002,ftp://orders-2' })).toThrow(/ORDER_SERVICE_URL/);
  });

  test('When only the secrets are set, then every other setting takes its documented default', () => {
    // Act
    const config = loadConfig(gatewayConfigSchema, { JWT_SECRET, GATEWAY_TOKEN });

    // Assert
    expect(config).toMatchObject({
      PORT: 3000,
      USER_SERVICE_URL: ['http://127.0.0.1:3001'],
      ORDER_SERVICE_URL: ['http://127.0.0.1:3002'],
      PAYMENT_SERVICE_URL: ['http://127.0.0.1:3003'],
      NOTIFICATION_SERVICE_URL: ['http://127.0.0.1:3004'],
      CATALOG_SERVICE_URL: ['http://127.0.0.1:3005'],
      UPSTREAM_TIMEOUT_MS: 5000,
      UPSTREAM_PROBE_INTERVAL_MS: 250,
      SHUTDOWN_DRAIN_MS: 0,
      RATE_LIMIT_WINDOW_MS: 60_000,
      RATE_LIMIT_MAX: 600,
      LOGIN_RATE_LIMIT_MAX: 10,
      HOST: '127.0.0.1',
      TRUST_PROXY: false,
      RATE_LIMIT_KEY_PREFIX: 'gateway:rate-limit:',
      RATE_LIMIT_REDIS_TIMEOUT_MS: 150,
    });
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  test.each([
    ['false', false],
    ['1', 1],
    ['2', 2],
    ['loopback', ['loopback']],
    ['10.0.0.0/8, 192.168.1.7, uniquelocal', ['10.0.0.0/8', '192.168.1.7', 'uniquelocal']],
    ['fd00::/8,::1', ['fd00::/8', '::1']],
  ])('When TRUST_PROXY is %j, then Express is told %j', (value, expected) => {
    // Act
    const config = loadConfig(gatewayConfigSchema, { JWT_SECRET, GATEWAY_TOKEN, TRUST_PROXY: value });

    // Assert
    expect(config.TRUST_PROXY).toEqual(expected);
  });

  test.each(['true', '', 'everyone', '10.0.0.0/33', '10.0.0.1/8/8', 'loopback,,', '-1'])(
    'When TRUST_PROXY is %j, then loading fails naming TRUST_PROXY (believing every client is never an option)',
    (value) => {
      // Act
      const load = () => loadConfig(gatewayConfigSchema, { JWT_SECRET, GATEWAY_TOKEN, TRUST_PROXY: value });

      // Assert
      expect(load).toThrow(/^Invalid configuration: TRUST_PROXY: /);
    },
  );
});
