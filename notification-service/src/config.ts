import { commonConfig, databaseConfig, serviceHttpConfig, loadConfig, messagingConfig, port, positiveInt } from '@shop/platform/config';
import { z } from 'zod';

/** notification-service settings, one environment variable each (same names as the other services for shared meanings). */
export const configSchema = z
  .object({
    ...commonConfig,
    ...databaseConfig,
    ...serviceHttpConfig,
    ...messagingConfig,
    /** HTTP port. Default 3004. */
    PORT: port(3004),
    /** Unacknowledged messages a consumer holds at once, i.e. mails sent at once. Default 5. */
    CONSUMER_PREFETCH: positiveInt(5),
    /** SMTP server host. Default 127.0.0.1. */
    SMTP_HOST: z.string().min(1).default('127.0.0.1'),
    /** SMTP server port. Default 1025 (Mailpit's). */
    SMTP_PORT: port(1025),
    /** true: TLS from the first byte (port 465); false: plain, upgraded by STARTTLS when offered. Default false. */
    SMTP_SECURE: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
    /** SMTP user; no authentication when unset. */
    SMTP_USER: z.string().min(1).optional(),
    /** SMTP password, required with SMTP_USER. No default: it is a secret. */
    SMTP_PASSWORD: z.string().min(1).optional(),
    /** Sender of every mail, RFC 5322 address. Default "Microshop <orders@microshop.local>". */
    MAIL_FROM: z.string().min(3).default('Microshop <orders@microshop.local>'),
    /** Longest wait to connect, for the greeting and for each reply, in ms; a whole delivery is bounded to twice that. Default 5000. */
    SMTP_TIMEOUT_MS: positiveInt(5000),
  })
  .refine((config) => (config.SMTP_USER === undefined) === (config.SMTP_PASSWORD === undefined), {
    path: ['SMTP_PASSWORD'],
    message: 'SMTP_USER and SMTP_PASSWORD go together',
  });

export type NotificationServiceConfig = Readonly<z.infer<typeof configSchema>>;

/** Reads and validates the environment once. */
export const readConfig = (env: NodeJS.ProcessEnv = process.env): NotificationServiceConfig => loadConfig(configSchema, env);
