import { commonConfig, databaseConfig, serviceHttpConfig, loadConfig, messagingConfig, outboxConfig, port, positiveInt, secret } from '@shop/platform/config';
import { z } from 'zod';

/** user-service settings, one environment variable each. */
export const configSchema = z.object({
  ...commonConfig,
  ...databaseConfig,
  ...serviceHttpConfig,
  ...messagingConfig,
  ...outboxConfig,
  /** Required here: order-service looks customers up with it (x-service-token). No default. */
  SERVICE_TOKEN: secret(),
  /** HTTP port. Default 3001. */
  PORT: port(3001),
  /** HMAC key that signs access tokens; the gateway verifies with the same key. */
  JWT_SECRET: secret(),
  /** Lifetime of an access token, in seconds. Default 900 (15 minutes). */
  ACCESS_TOKEN_TTL_SECONDS: positiveInt(900),
  /** Lifetime of a refresh token, in seconds; each refresh issues a new one. Default 2592000 (30 days). */
  REFRESH_TOKEN_TTL_SECONDS: positiveInt(2_592_000),
  /**
   * scrypt cost N (power of two). Default 16384 with p=5: one of OWASP's equivalent scrypt
   * settings (N=2^14, r=8, p=5), using 16 MiB per hash instead of 128 MiB for N=2^17, p=1.
   */
  PASSWORD_SCRYPT_N: positiveInt(16_384).refine((n) => (n & (n - 1)) === 0, 'expected a power of two'),
  /** scrypt parallelisation p. Default 5. */
  PASSWORD_SCRYPT_P: positiveInt(5),
});

export type UserServiceConfig = Readonly<z.infer<typeof configSchema>>;

/** Reads and validates the environment once. */
export const readConfig = (env: NodeJS.ProcessEnv = process.env): UserServiceConfig => loadConfig(configSchema, env);
