import { z } from 'zod';

/** Thrown by loadConfig; its message is one line naming each bad variable and what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates the environment against a zod object keyed by variable name and returns a frozen,
 * typed copy. Services call it once at start; code never reads process.env directly.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<z.infer<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const variable = issue.path.join('.') || '(environment)';
      return `${variable}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return Object.freeze(result.data);
}

/** An integer TCP port; 0 lets the OS choose (tests). */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** A duration or count in whole numbers, given as text in the environment. */
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** A postgres:// connection string. */
export const postgresUrl = () =>
  z.string().regex(/^postgres(ql)?:\/\/.+/, 'expected a postgresql:// connection URL');

/** A secret with no default: at least 32 characters so that HMAC keys and tokens are not guessable. */
export const secret = () => z.string().min(32, 'expected a secret of at least 32 characters');

/** Settings every service reads, merged into each service's own schema. */
export const commonConfig = {
  /** Log level for winston: error, warn, info, http, debug. Default info. */
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'debug']).default('info'),
  /** Grace period for in-flight work on SIGTERM, in milliseconds. Default 10000. */
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  /** OTLP/HTTP traces endpoint, e.g. http://jaeger:4318/v1/traces; tracing export is off when unset. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
};

/** Settings of a service that owns a database. */
export const databaseConfig = {
  /** This service's own PostgreSQL database. */
  DATABASE_URL: postgresUrl(),
  /** Largest Prisma connection pool. Default 10. */
  DATABASE_POOL_MAX: positiveInt(10),
  /**
   * Distinct SQL texts each connection runs as prepared statements (parsed and planned once).
   * 0 sends every statement unprepared, as PgBouncer in transaction mode before 1.21 needs. Default 200.
   */
  DATABASE_PREPARED_STATEMENTS: z.coerce.number().int().min(0).default(200),
};

/** Settings of a service that calls, or is called by, other services. */
export const internalAuthConfig = {
  /** Shared secret of the gateway and the services (x-internal-token). */
  INTERNAL_TOKEN: secret(),
};

/** Settings of a service that publishes or consumes events. */
export const messagingConfig = {
  /** RabbitMQ connection URL. Default amqp://guest:guest@127.0.0.1:5672. */
  RABBITMQ_URL: z.string().regex(/^amqps?:\/\/.+/, 'expected an amqp:// URL').default('amqp://guest:guest@127.0.0.1:5672'),
  /** Topic exchange all domain events travel on. Default microshop.events. */
  EVENTS_EXCHANGE: z.string().min(1).default('microshop.events'),
  /** Unacknowledged messages a consumer holds at once. Default 10. */
  CONSUMER_PREFETCH: positiveInt(10),
  /** Delays before each retry of a failed message, comma-separated ms; then the dead queue. Default 1000,5000,25000. */
  RETRY_DELAYS_MS: z
    .string()
    .default('1000,5000,25000')
    .transform((value) => value.split(',').map(Number))
    .pipe(z.array(z.number().int().positive()).min(1)),
};

/** Settings of a service that publishes through the transactional outbox. */
export const outboxConfig = {
  /** Outbox sweep interval when no NOTIFY arrives, in ms. Default 1000. */
  OUTBOX_POLL_INTERVAL_MS: positiveInt(1000),
};
