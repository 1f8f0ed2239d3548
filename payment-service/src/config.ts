import { commonConfig, loadConfig, port, positiveInt, postgresUrl, secret } from '@shop/platform/config';
import { z } from 'zod';

/** payment-service settings, one environment variable each. */
export const configSchema = z.object({
  ...commonConfig,
  /** HTTP port. Default 3003. */
  PORT: port(3003),
  /** This service's own PostgreSQL database. */
  DATABASE_URL: postgresUrl(),
  /** Largest Prisma connection pool. Default 10. */
  DATABASE_POOL_MAX: positiveInt(10),
  /** Shared secret of the gateway and the services (x-internal-token). */
  INTERNAL_TOKEN: secret(),
  /** RabbitMQ connection URL. */
  RABBITMQ_URL: z.string().regex(/^amqps?:\/\/.+/, 'expected an amqp:// URL').default('amqp://guest:guest@127.0.0.1:5672'),
  /** Topic exchange all domain events travel on. Default microshop.events. */
  EVENTS_EXCHANGE: z.string().min(1).default('microshop.events'),
  /** Unacknowledged messages a consumer holds at once. Default 10. */
  CONSUMER_PREFETCH: positiveInt(10),
  /** Delays before each retry of a failed message, comma-separated ms. Default 1000,5000,25000. */
  RETRY_DELAYS_MS: z
    .string()
    .default('1000,5000,25000')
    .transform((value) => value.split(',').map(Number))
    .pipe(z.array(z.number().int().positive()).min(1)),
  /** Outbox sweep interval when no NOTIFY arrives, in ms. Default 1000. */
  OUTBOX_POLL_INTERVAL_MS: positiveInt(1000),
  /** Simulated card processor's answer time, in ms; 0 answers at once. Default 50. */
  PROCESSOR_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(50),
  /** OTLP/HTTP traces endpoint; tracing export is off when unset. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
});

export type PaymentServiceConfig = Readonly<z.infer<typeof configSchema>>;

/** Reads and validates the environment once. */
export const readConfig = (env: NodeJS.ProcessEnv = process.env): PaymentServiceConfig => loadConfig(configSchema, env);
