import { parse, parseDocument } from 'yaml';
import { readRepoFile } from './repo';

/** A compose service as this project writes it (after YAML merge keys are applied). */
export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | null>;
  ports?: string[];
  expose?: string[];
  profiles?: string[];
  networks?: string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }> | string[];
  [key: string]: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  networks?: Record<string, { internal?: boolean } | null>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

export const COMPOSE_PATH = 'docker-compose.yml';

/** docker-compose.yml with `<<: *anchor` merges resolved, as Compose reads it. */
export function loadCompose(): ComposeFile {
  return parse(readRepoFile(COMPOSE_PATH), { merge: true }) as ComposeFile;
}

/** The YAML document of docker-compose.yml, comments included. */
export function composeDocument() {
  return parseDocument(readRepoFile(COMPOSE_PATH), { merge: true });
}

/** The variables of an env file (KEY=value lines; comments and blank lines skipped). */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) env[match[1]!] = match[2]!.trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

/** A `${...}` reference in a compose value. */
export interface VariableReference {
  name: string;
  /** `:?` or `?`: Compose refuses to start without it. */
  required: boolean;
  hasDefault: boolean;
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

/** Every `${VAR...}` reference in a text. */
export function variableReferences(text: string): VariableReference[] {
  return [...text.replaceAll('$$', '').matchAll(REFERENCE)].map((match) => ({
    name: match[1]!,
    required: match[2]?.endsWith('?') ?? false,
    hasDefault: match[2]?.endsWith('-') ?? false,
  }));
}

/**
 * Compose's interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 * `${VAR?error}`, `$$` for a literal dollar. Throws for a required variable that is unset.
 */
export function interpolate(value: string, variables: Record<string, string | undefined>): string {
  const replaced = value.replace(REFERENCE, (_, name: string, operator: string | undefined, argument: string | undefined) => {
    const current = variables[name];
    const empty = current === undefined || (operator?.startsWith(':') && current === '');
    if (operator?.endsWith('?') && empty) throw new Error(`${name} is required: ${argument}`);
    if (operator?.endsWith('-') && empty) return argument ?? '';
    return current ?? '';
  });
  return replaced.replaceAll('$$', '$');
}

/**
 * The environment a compose service's container gets: interpolated values; a variable without
 * a value passes through from the environment files / shell (here: variables) only when set.
 */
export function containerEnvironment(
  service: ComposeService,
  variables: Record<string, string | undefined>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(service.environment ?? {})) {
    if (value === null) {
      if (variables[key] !== undefined) env[key] = variables[key]!;
    } else {
      env[key] = interpolate(String(value), variables);
    }
  }
  return env;
}

/** The host ports a service publishes (`[ip:]host:container` strings). */
export function publishedPorts(service: ComposeService): Array<{ hostIp: string | undefined; host: number; container: number }> {
  // Host ports may be ${VAR:-default} references: checked at their defaults.
  return (service.ports ?? []).map((spec) => {
    const parts = interpolate(String(spec), {}).split(':');
    const container = Number(parts.at(-1));
    const host = Number(parts.at(-2));
    const hostIp = parts.length === 3 ? parts[0] : undefined;
    return { hostIp, host, container };
  });
}

/** depends_on in its long form (the short form has no conditions, so it maps to none). */
export function dependencies(service: ComposeService): Record<string, string | undefined> {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [name, undefined]));
  return Object.fromEntries(Object.entries(dependsOn).map(([name, { condition }]) => [name, condition]));
}
