import { ConfigError, loadConfig } from '@shop/platform/config';
import { gatewayConfigSchema } from '../src/config';
import { INTERNAL_TOKEN, JWT_SECRET } from './support/test-gateway';

describe('Gateway configuration', () => {
  test('When JWT_SECRET is missing, then loading fails with an error naming JWT_SECRET', () => {
    // Act
    const load = () => loadConfig(gatewayConfigSchema, { INTERNAL_TOKEN });

    // Assert
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/JWT_SECRET/);
  });

  test('When INTERNAL_TOKEN is too short, then loading fails naming INTERNAL_TOKEN', () => {
    // Act
    const load = () => loadConfig(gatewayConfigSchema, { JWT_SECRET, INTERNAL_TOKEN: 'short' });

    // Assert
    expect(load).toThrow(/INTERNAL_TOKEN/);
  });

  test('When a service URL is not http(s), then loading fails naming that variable', () => {
    // Act
    const load = () => loadConfig(gatewayConfigSchema, { JWT_SECRET, INTERNAL_TOKEN, ORDER_SERVICE_URL: 'ftp://orders' });

    // Assert
    expect(load).toThrow(/ORDER_SERVICE_URL/);
  });

  test('When only the secrets are set, then every other setting takes its documented default', () => {
    // Act
    const config = loadConfig(gatewayConfigSchema, { JWT_SECRET, INTERNAL_TOKEN });

    // Assert
    expect(config).toMatchObject({
      PORT: 3000,
      USER_SERVICE_URL: 'http://127.0.0.1:3001',
      ORDER_SERVICE_URL: 'http://127.0.0.1:3002',
      PAYMENT_SERVICE_URL: 'http://127.0.0.1:3003',
      NOTIFICATION_SERVICE_URL: 'http://127.0.0.1:3004',
      UPSTREAM_TIMEOUT_MS: 5000,
      RATE_LIMIT_WINDOW_MS: 60_000,
      RATE_LIMIT_MAX: 600,
      LOGIN_RATE_LIMIT_MAX: 10,
    });
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });
});
