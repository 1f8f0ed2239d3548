import { bindHost, commonConfig, port, positiveInt, secret, serviceUrls, trustProxy } from '@shop/platform/config';
import { z } from 'zod';

/** Name the gateway carries in logs, traces and metrics. */
export const SERVICE_NAME = 'api-gateway';

/** Base URLs of an upstream service's replicas, comma-separated; the gateway balances across them. */
const serviceUrl = serviceUrls;


/** The gateway's environment, keyed by variable name; validated once by loadConfig at start. */
export const gatewayConfigSchema = z.object({
  ...commonConfig,
  /** Port the gateway listens on; 0 lets the OS choose (tests). Default 3000. */
  PORT: port(3000),
  /** HMAC key access tokens are signed with (shared with user-service). No default. */
  JWT_SECRET: secret(),
  /** Interface to listen on. Default 127.0.0.1 (this machine only); images set 0.0.0.0. */
  HOST: bindHost('127.0.0.1'),
  /** The gateway's credential (x-gateway-token), sent with every verified identity; services require a user beside it. No default. */
  GATEWAY_TOKEN: secret(),
  /**
   * Peers whose X-Forwarded-For names the client (rate limits and logs count by it): false (the
   * peer is the client), a hop count (1: one load balancer or ingress controller in front), or a
   * comma list of addresses, CIDR ranges, loopback, linklocal, uniquelocal. Default false.
   */
  TRUST_PROXY: trustProxy('false'),
  /** Base URL(s) of user-service, comma-separated for replicas (/users, /auth). Default http://127.0.0.1:3001. */
  USER_SERVICE_URL: serviceUrl('http://127.0.0.1:3001'),
  /** Base URL(s) of order-service, comma-separated for replicas (/orders). Default http://127.0.0.1:3002. */
  ORDER_SERVICE_URL: serviceUrl('http://127.0.0.1:3002'),
  /** Base URL(s) of payment-service, comma-separated for replicas (/payments). Default http://127.0.0.1:3003. */
  PAYMENT_SERVICE_URL: serviceUrl('http://127.0.0.1:3003'),
  /** Base URL(s) of notification-service, comma-separated for replicas (/notifications). Default http://127.0.0.1:3004. */
  NOTIFICATION_SERVICE_URL: serviceUrl('http://127.0.0.1:3004'),
  /** Base URL(s) of catalog-service, comma-separated for replicas (/products). Default http://127.0.0.1:3005. */
  CATALOG_SERVICE_URL: serviceUrl('http://127.0.0.1:3005'),
  /** Longest an upstream may stay silent (connect or response) before the gateway answers 504, in ms. Default 5000. */
  UPSTREAM_TIMEOUT_MS: positiveInt(5000),
  /** With several replicas of a service: how often the gateway asks each one's /ready, in ms (a draining one leaves rotation). Default 250. */
  UPSTREAM_PROBE_INTERVAL_MS: positiveInt(250),
  /** Longest a client may take to send its request headers, in ms; then 408. Default 10000. */
  CLIENT_HEADERS_TIMEOUT_MS: positiveInt(10_000),
  /** Longest a client may take to send its whole request, body included, in ms; then 408. Default 30000. */
  CLIENT_REQUEST_TIMEOUT_MS: positiveInt(30_000),
  /** Length of one rate-limit window, in ms. Default 60000. */
  RATE_LIMIT_WINDOW_MS: positiveInt(60_000),
  /** Requests one client (user id when signed in, else IP) may make per window. Default 600. */
  RATE_LIMIT_MAX: positiveInt(600),
  /** Password checks (login, password change, account deletion) one IP may make per window. Default 10. */
  LOGIN_RATE_LIMIT_MAX: positiveInt(10),
  /** Token refreshes (POST /api/auth/refresh) one IP may make per window. Default 30. */
  REFRESH_RATE_LIMIT_MAX: positiveInt(30),
  /**
   * Redis the rate limits count in (redis:// or rediss://), shared by every gateway replica so
   * each limit holds across all of them. Unset: each gateway counts in its own memory (one
   * replica only). While Redis is unreachable, counts fall back to each replica's memory.
   */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** Prefix of the rate-limit keys in Redis; gateways sharing limits use the same one. Default gateway:rate-limit:. */
  RATE_LIMIT_KEY_PREFIX: z.string().min(1).default('gateway:rate-limit:'),
  /**
   * Broker (amqp:// URL) the gateway hears session revocations from (`user.sessions_revoked`,
   * `user.deleted`), to refuse access tokens issued before a password change or deletion at
   * once. Unset: no feed, and such tokens work until they expire (ACCESS_TOKEN_TTL_SECONDS).
   */
  RABBITMQ_URL: z.string().regex(/^amqps?:\/\/.+/, 'expected an amqp:// URL').optional(),
  /** Topic exchange the services publish events to. Default microshop.events. */
  EVENTS_EXCHANGE: z.string().min(1).default('microshop.events'),
  /** Longest lifetime of the access tokens user-service issues (its ACCESS_TOKEN_TTL_SECONDS), in s: how long a revocation is held. Default 900. */
  ACCESS_TOKEN_TTL_SECONDS: positiveInt(900),
  /** Longest a request waits for Redis to count it before it is counted in memory instead, in ms. Default 150. */
  RATE_LIMIT_REDIS_TIMEOUT_MS: positiveInt(150),
});

export type GatewayConfig = Readonly<z.infer<typeof gatewayConfigSchema>>;
