import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '../../..');

/** Reads a repository file as text. */
export function readRepoFile(relativePath: string): string {
  return readFileSync(path.join(ROOT, relativePath), 'utf8');
}

/** The npm workspaces of the root package.json, in order. */
export const WORKSPACES: string[] = JSON.parse(readRepoFile('package.json')).workspaces;

/** Every deployable service: each workspace except the shared kit. */
export const SERVICES: string[] = WORKSPACES.filter((workspace) => workspace !== 'platform');

/**
 * The services that call each other with the service token (x-service-token): order-service, and
 * the services it calls (user-service, catalog-service). Never the gateway. Every config declares
 * SERVICE_TOKEN (optional: unset, no service may call it), so the list is written here.
 */
export const SERVICE_TOKEN_HOLDERS: readonly string[] = ['user-service', 'order-service', 'catalog-service'];

export type ConfigSchema = z.ZodObject<Record<string, z.ZodType>>;

/**
 * The zod schema of a service's src/config.ts, keyed by environment variable: the single source
 * of truth for the variable names a deployment may set. The gateway names its export
 * gatewayConfigSchema, the others configSchema.
 */
export function configSchemaOf(service: string): ConfigSchema {
  const file = path.join(ROOT, service, 'src/config.ts');
  if (!existsSync(file)) throw new Error(`${service}/src/config.ts is missing: its deployment files cannot be checked`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(file) as Record<string, unknown>;
  const schema = (module.configSchema ?? module.gatewayConfigSchema) as ConfigSchema | undefined;
  if (!schema?.shape) throw new Error(`${service}/src/config.ts exports neither configSchema nor gatewayConfigSchema`);
  return schema;
}

/** Every variable the service reads. */
export function variablesOf(service: string): string[] {
  return Object.keys(configSchemaOf(service).shape);
}

/** The variables without a default that are not optional: a deployment must set them. */
export function requiredVariablesOf(service: string): string[] {
  const { shape } = configSchemaOf(service);
  return Object.keys(shape).filter((key) => !shape[key]!.safeParse(undefined).success);
}

/** The port a service listens on when PORT is not set. */
export function defaultPortOf(service: string): number {
  const port = configSchemaOf(service).shape.PORT;
  if (!port) throw new Error(`${service} declares no PORT`);
  return port.parse(undefined) as number;
}

/** The effective port for an environment: PORT from it, else the schema default. */
export function portFor(service: string, env: Record<string, string | undefined>): number {
  return env.PORT === undefined ? defaultPortOf(service) : Number(env.PORT);
}

/** Whether the service owns a database (its config reads DATABASE_URL). */
export const hasDatabase = (service: string): boolean => variablesOf(service).includes('DATABASE_URL');

/** Whether the service talks to the broker (its config reads RABBITMQ_URL). */
export const usesBroker = (service: string): boolean => variablesOf(service).includes('RABBITMQ_URL');

/** The variables of env that are not keys of the service's schema. */
export function unknownVariables(service: string, names: Iterable<string>): string[] {
  const known = new Set(variablesOf(service));
  return [...names].filter((name) => !known.has(name));
}

/** The required variables missing from names. */
export function missingRequired(service: string, names: Iterable<string>): string[] {
  const present = new Set(names);
  return requiredVariablesOf(service).filter((name) => !present.has(name));
}

/** Validates an environment with the service's own schema; returns the problems (empty when valid). */
export function configProblems(service: string, env: Record<string, string | undefined>): string[] {
  const result = configSchemaOf(service).safeParse(env);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}
