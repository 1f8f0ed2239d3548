import { ConfigError } from '@shop/platform/config';
import { readConfig } from '../src/config';

const valid = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/users',
  JWT_SECRET: 'j'.repeat(32),
  GATEWAY_TOKEN: 'i'.repeat(32),
  SERVICE_TOKEN: 's'.repeat(32),
};

describe('config', () => {
  test('When every variable is valid, then defaults fill the rest', () => {
    const config = readConfig(valid);

    expect(config).toMatchObject({ PORT: 3001, ACCESS_TOKEN_TTL_SECONDS: 900, PASSWORD_SCRYPT_N: 16384, LOG_LEVEL: 'info' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test.each([
    ['JWT_SECRET', { JWT_SECRET: undefined }],
    ['JWT_SECRET', { JWT_SECRET: 'too-short' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['PORT', { PORT: 'eighty' }],
    ['PASSWORD_SCRYPT_N', { PASSWORD_SCRYPT_N: '1000' }],
    ['SERVICE_TOKEN', { SERVICE_TOKEN: undefined }],
    ['HOST', { HOST: 'every-interface' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'true' }],
    ['TRUST_PROXY', { TRUST_PROXY: '10.0.0.0/33' }],
  ])('When %s is missing or malformed, then one line names it', (variable, override) => {
    const attempt = () => readConfig({ ...valid, ...override });

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(new RegExp(`^Invalid configuration: ${variable}: `));
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
