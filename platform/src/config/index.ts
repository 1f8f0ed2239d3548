import { isIP } from 'node:net';
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

/**
 * One or more http(s) base URLs of a service's replicas, comma-separated in the environment
 * (`http://127.0.0.1:3002,http://127.0.0.1:3102`); callers balance across them.
 */
export const serviceUrls = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value) => value.split(',').map((url) => url.trim()).filter((url) => url !== ''))
    .pipe(z.array(z.url({ protocol: /^https?$/ })).min(1, 'expected one or more http(s) URLs, comma-separated'));

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
  /**
   * On SIGTERM, how long the service keeps serving while /ready answers 503 (draining), so load
   * balancers polling it stop sending before it stops accepting, in ms. Default 0: Kubernetes
   * takes the pod out of its endpoints during the preStop sleep; the local stack with replicas sets 1000.
   */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).default(0),
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

/** An interface address to bind: an IPv4 or IPv6 literal (0.0.0.0 and :: mean every interface). */
export const bindHost = (fallback: string) => z.string().refine((value) => isIP(value) !== 0, 'expected an IP address such as 127.0.0.1 or 0.0.0.0').default(fallback);

/** What Express's `trust proxy` accepts from our configuration: nobody, a hop count, or a list. */
export type TrustProxy = false | number | string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const isProxyAddress = (entry: string) => {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
};

/**
 * Which peers' X-Forwarded-For is believed (Express `trust proxy`): `false` (none: the peer is
 * the client), a hop count (`1`: the peer is one proxy, e.g. an ingress controller), or a comma
 * list of addresses, CIDR ranges and the names loopback, linklocal, uniquelocal. `true` (believe
 * any client) is refused: it would let every client choose the address rate limits count.
 */
export const trustProxy = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx): TrustProxy => {
      const text = value.trim();
      if (text === 'false') return false;
      if (/^\d+$/.test(text)) return Number(text);
      const entries = text.split(',').map((entry) => entry.trim());
      if (entries.length > 0 && entries.every(isProxyAddress)) return entries;
      ctx.addIssue({ code: 'custom', message: 'expected false, a hop count, or a comma list of addresses, CIDR ranges, loopback, linklocal, uniquelocal' });
      return z.NEVER;
    });

/** Settings of every service's HTTP side: where it listens, who may call it, which proxy it believes. */
export const serviceHttpConfig = {
  /** Interface to listen on. Default 127.0.0.1 (this machine only); images set 0.0.0.0. */
  HOST: bindHost('127.0.0.1'),
  /** The gateway's credential (x-gateway-token): requests carrying it must carry a user. No default. */
  GATEWAY_TOKEN: secret(),
  /** The credential services call each other with (x-service-token); unset: no service may call this one. */
  SERVICE_TOKEN: secret().optional(),
  /** Peers whose X-Forwarded-For is believed (see trustProxy). Default 1: the gateway in front. */
  TRUST_PROXY: trustProxy('1'),
};

/** The typed values of serviceHttpConfig, as createApp and listen read them. */
export type ServiceHttpConfig = Readonly<z.infer<z.ZodObject<typeof serviceHttpConfig>>>;

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
  /** Refusals (nacks) by the broker after which an outbox row is set aside as failed, so the rows behind it go on. Default 10. */
  OUTBOX_MAX_ATTEMPTS: positiveInt(10),
};
