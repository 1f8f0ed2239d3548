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
};
