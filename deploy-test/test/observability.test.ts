import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { dockerfileOf, envOf } from './support/dockerfile';
import { containerEnvironment, loadCompose, parseEnvFile } from './support/compose';
import { portFor, readRepoFile, ROOT, SERVICES } from './support/repo';

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  params?: Record<string, string[]>;
  static_configs: Array<{ targets: string[]; labels?: Record<string, string> }>;
}

const prometheus = parse(readRepoFile('observability/prometheus/prometheus.yml')) as { scrape_configs: ScrapeConfig[] };
const compose = loadCompose();
const variables = parseEnvFile(readRepoFile('.env.example'));

/** Every metric name the platform kit registers (name: '...' next to a prom-client constructor). */
function platformMetricNames(): Set<string> {
  const names = new Set<string>();
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const file = path.join(directory, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts')) for (const [, name] of readFileSync(file, 'utf8').matchAll(/name: '([a-z_]+)',\n\s+help:/g)) names.add(name!);
    }
  };
  walk(path.join(ROOT, 'platform/src'));
  return names;
}

/** A Grafana panel, as far as these checks read it. */
interface Panel {
  type: string;
  datasource?: { uid?: string };
  targets?: Array<{ expr: string; datasource?: { uid?: string } }>;
  panels?: Panel[];
}

/** Every panel of a dashboard, rows' nested panels included. */
function panelsOf(dashboard: { panels: Panel[] }): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

describe('Prometheus (observability/prometheus/prometheus.yml)', () => {
  const targets = prometheus.scrape_configs.flatMap((job) =>
    job.static_configs.flatMap((config) => config.targets.map((target) => ({ job, target, labels: config.labels ?? {} }))),
  );

  test.each(SERVICES)('When scraping, then %s/metrics is a target on the port the service listens on, labelled with its name', (service) => {
    const port = portFor(service, { ...envOf(dockerfileOf(service).final), ...containerEnvironment(compose.services[service]!, variables) });
    const found = targets.filter((t) => t.target.split(':')[0] === service);

    expect(found.map((t) => [t.target, t.job.metrics_path ?? '/metrics', t.labels.service])).toEqual([[`${service}:${port}`, '/metrics', service]]);
  });

  test('When scraping RabbitMQ, then the rabbitmq_prometheus port gives node totals and per-queue depth', () => {
    const rabbit = targets.filter((t) => t.target === 'rabbitmq:15692');

    expect(rabbit.map((t) => t.job.metrics_path).sort()).toEqual(['/metrics', '/metrics/detailed']);
    expect(rabbit.find((t) => t.job.metrics_path === '/metrics/detailed')?.job.params?.family).toContain('queue_coarse_metrics');
  });

  test('When Prometheus runs in compose, then its configuration file is the one mounted', () => {
    expect(compose.services.prometheus?.volumes).toContain('./observability/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro');
  });
});

describe('Grafana provisioning and dashboard', () => {
  const datasources = parse(readRepoFile('observability/grafana/provisioning/datasources/prometheus.yml')) as {
    datasources: Array<{ uid: string; type: string; url: string }>;
  };
  const providers = parse(readRepoFile('observability/grafana/provisioning/dashboards/microshop.yml')) as { providers: Array<{ options: { path: string } }> };
  const dashboard = JSON.parse(readRepoFile('observability/grafana/dashboards/microshop.json'));
  const expressions: string[] = panelsOf(dashboard).flatMap((panel) => (panel.targets ?? []).map((t: { expr: string }) => t.expr));

  test('When Grafana starts, then the Prometheus datasource points at the compose service and the dashboards folder is mounted', () => {
    const [datasource] = datasources.datasources;
    const mounts = (compose.services.grafana?.volumes ?? []) as string[];

    expect(datasource).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    const dashboardsPath = providers.providers[0]!.options.path;
    expect(mounts).toContain(`./observability/grafana/dashboards:${dashboardsPath}:ro`);
    expect(mounts).toContain('./observability/grafana/provisioning:/etc/grafana/provisioning:ro');
    expect(existsSync(path.join(ROOT, 'observability/grafana/dashboards/microshop.json'))).toBe(true);
  });

  test('When a panel queries, then it uses the provisioned datasource', () => {
    const uid = datasources.datasources[0]!.uid;

    for (const panel of panelsOf(dashboard).filter((p) => p.type !== 'row')) {
      expect(panel.datasource?.uid).toBe(uid);
      for (const target of panel.targets ?? []) expect(target.datasource?.uid ?? uid).toBe(uid);
    }
  });

  test.each([
    ['request rate', /rate\(http_request_duration_seconds_count/],
    ['error rate', /http_request_duration_seconds_count\{[^}]*status_code=~"5\.\."/],
    ['p95 latency', /histogram_quantile\(0\.95, .*http_request_duration_seconds_bucket/],
    ['circuit breakers', /circuit_breaker_state/],
    ['outbox backlog', /outbox_unpublished_messages/],
    ['outbox age', /outbox_oldest_unpublished_age_seconds/],
    ['messages by outcome', /by \([^)]*outcome[^)]*\) \(rate\(messaging_messages_consumed_total/],
    ['RabbitMQ queue depth', /rabbitmq_detailed_queue_messages/],
  ])('When the dashboard opens, then it shows %s', (_, pattern) => {
    expect(expressions.some((expr) => pattern.test(expr))).toBe(true);
  });

  test('When the dashboard groups per service, then HTTP panels group by the scrape label `service`', () => {
    const http = expressions.filter((expr) => expr.includes('http_request_duration_seconds'));

    expect(http.length).toBeGreaterThanOrEqual(3);
    for (const expr of http) expect(expr).toMatch(/by \((service|service, le)\)/);
  });

  test('When a metric of the services is charted, then the platform kit registers a metric of that name', () => {
    const registered = platformMetricNames();
    const used = new Set(expressions.flatMap((expr) => [...expr.matchAll(/\b((?:http|circuit|outbox|messaging|app)_[a-z_]+?)(?:_bucket|_count|_sum)?\b/g)].map((m) => m[1]!)));

    expect(registered.size).toBeGreaterThan(5);
    expect([...used].filter((name) => !registered.has(name))).toEqual([]);
  });
});
