import { commonConfig, databaseConfig, serviceHttpConfig, loadConfig, messagingConfig, outboxConfig, port, positiveInt, secret, serviceUrls } from '@shop/platform/config';
import { z } from 'zod';

/** order-service settings, one environment variable each. */
export const configSchema = z.object({
  ...commonConfig,
  ...databaseConfig,
  ...serviceHttpConfig,
  /** Required here: it looks customers up in user-service with it (x-service-token). No default. */
  SERVICE_TOKEN: secret(),
  ...messagingConfig,
  ...outboxConfig,
  /** HTTP port. Default 3002. */
  PORT: port(3002),
  /** Base URL(s) of user-service, comma-separated for replicas (calls go round-robin). Default http://127.0.0.1:3001. */
  USER_SERVICE_URL: serviceUrls('http://127.0.0.1:3001'),
  /** Base URL(s) of catalog-service (its product snapshot fills a fresh catalog copy), comma-separated for replicas. Default http://127.0.0.1:3005. */
  CATALOG_SERVICE_URL: serviceUrls('http://127.0.0.1:3005'),
  /** Time limit of one catalog snapshot page, in ms. Default 5000. */
  CATALOG_SERVICE_TIMEOUT_MS: positiveInt(5000),
  /** Time limit of one user lookup, in ms. Default 1000. */
  USER_SERVICE_TIMEOUT_MS: positiveInt(1000),
  // The user-service breaker (platform/resilience createBreaker). With these defaults and a steady
  // load, a user-service that stops answering opens it about USER_SERVICE_TIMEOUT_MS +
  // BREAKER_WINDOW_MS / 2 = 2 s in, and orders are accepted again within about
  // BREAKER_RESET_TIMEOUT_MS (+ one lookup) after it answers again: a stall of S seconds costs
  // at most about S + 1 s of refusals. Keep BREAKER_RESET_TIMEOUT_MS ≥ USER_SERVICE_TIMEOUT_MS.
  /** Failure percentage over the rolling window above which the breaker opens. Default 50. */
  BREAKER_ERROR_THRESHOLD_PERCENT: positiveInt(50),
  /** How long the breaker stays open before letting one trial lookup through, in ms. Default 1000. */
  BREAKER_RESET_TIMEOUT_MS: positiveInt(1000),
  /** Lookups in the window before the breaker may open at all, so one slow lookup never opens it. Default 5. */
  BREAKER_VOLUME_THRESHOLD: positiveInt(5),
  /** Length of the breaker's rolling window of lookup outcomes, in ms (10 buckets). Default 2000. */
  BREAKER_WINDOW_MS: positiveInt(2000),
});

export type OrderServiceConfig = Readonly<z.infer<typeof configSchema>>;

/** Reads and validates the environment once. */
export const readConfig = (env: NodeJS.ProcessEnv = process.env): OrderServiceConfig => loadConfig(configSchema, env);
