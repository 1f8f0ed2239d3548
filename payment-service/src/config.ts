import { commonConfig, databaseConfig, serviceHttpConfig, loadConfig, messagingConfig, outboxConfig, port } from '@shop/platform/config';
import { z } from 'zod';

/** payment-service settings, one environment variable each. */
export const configSchema = z.object({
  ...commonConfig,
  ...databaseConfig,
  ...serviceHttpConfig,
  ...messagingConfig,
  ...outboxConfig,
  /** HTTP port. Default 3003. */
  PORT: port(3003),
  /** Simulated card processor's answer time, in ms; 0 answers at once. Default 50. */
  PROCESSOR_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(50),
});

export type PaymentServiceConfig = Readonly<z.infer<typeof configSchema>>;

/** Reads and validates the environment once. */
export const readConfig = (env: NodeJS.ProcessEnv = process.env): PaymentServiceConfig => loadConfig(configSchema, env);
