import { ConfigError } from '@shop/platform/config';
import { readConfig } from '../src/config';

const required = { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/notifications', GATEWAY_TOKEN: 'x'.repeat(32) };

describe('config', () => {
  test('When only the required variables are set, then the documented defaults apply', () => {
    const config = readConfig(required);

    expect(config).toMatchObject({
      PORT: 3004,
      EVENTS_EXCHANGE: 'microshop.events',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: 1025,
      SMTP_SECURE: false,
      MAIL_FROM: 'Microshop <orders@microshop.local>',
      SMTP_TIMEOUT_MS: 5000,
      RETRY_DELAYS_MS: [1000, 5000, 25000],
    });
    expect(config.SMTP_USER).toBeUndefined();
  });

  test('When SMTP_SECURE is "true", then TLS is on; when it is "yes", then the config is refused', () => {
    expect(readConfig({ ...required, SMTP_SECURE: 'true' }).SMTP_SECURE).toBe(true);
    expect(() => readConfig({ ...required, SMTP_SECURE: 'yes' })).toThrow(/SMTP_SECURE/);
  });

  test('When SMTP_USER comes without SMTP_PASSWORD, then the config is refused', () => {
    expect(() => readConfig({ ...required, SMTP_USER: 'mailer' })).toThrow(ConfigError);
  });

  test('When CONSUMER_PREFETCH is at or above DATABASE_POOL_MAX, then the config is accepted: no connection is held while a mail is sent', () => {
    expect(readConfig({ ...required, CONSUMER_PREFETCH: '20', DATABASE_POOL_MAX: '4' })).toMatchObject({ CONSUMER_PREFETCH: 20, DATABASE_POOL_MAX: 4 });
  });
});
