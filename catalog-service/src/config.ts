import { commonConfig, databaseConfig, serviceHttpConfig, loadConfig, messagingConfig, outboxConfig, port, secret } from '@shop/platform/config';
import { z } from 'zod';

/** catalog-service settings, one environment variable each. */
export const configSchema = z.object({
  ...commonConfig,
  ...databaseConfig,
  ...serviceHttpConfig,
  ...messagingConfig,
  ...outboxConfig,
  /** Required here: order-service reads GET /product-snapshot with it (x-service-token). No default. */
  SERVICE_TOKEN: secret(),
  /** HTTP port. Default 3005. */
  PORT: port(3005),
});

export type CatalogServiceConfig = Readonly<z.infer<typeof configSchema>>;

/** Reads and validates the environment once. */
export const readConfig = (env: NodeJS.ProcessEnv = process.env): CatalogServiceConfig => loadConfig(configSchema, env);
