import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { find, KUSTOMIZATIONS, mainContainer, ofKind, renderKustomization, type Manifest } from './support/kubernetes';
import { hasDatabase, readRepoFile, ROOT, SERVICES } from './support/repo';

// Every deployment mechanic exists once (k8s/components/); a service states only what differs.
// These checks fail when a service's rendered objects drift from the shape the others share. A
// service that must differ on purpose (a patch in its kustomization.yaml, e.g. a probe path)
// blanks that field here too, so that the difference is declared in one place.

const rendered = {
  base: renderKustomization(KUSTOMIZATIONS.base),
  local: renderKustomization(KUSTOMIZATIONS.local),
};

/**
 * A manifest with its declared differences blanked: the name (wherever it appears, image and
 * labels included) and the given port (as number or string) become placeholders, and the content
 * hash kustomize appends to generated ConfigMap and Secret names is dropped.
 */
function blanked(manifest: unknown, name: string, port?: number): unknown {
  const json = JSON.stringify(manifest, (_, value: unknown) => (port !== undefined && (value === port || value === String(port)) ? '<port>' : value));
  return JSON.parse(json.replaceAll(name, '<name>').replace(/(-config|-credentials|-secrets)-[a-z0-9]{10}"/g, '$1"'));
}

/** A service's Deployment less what it declares itself: environment, and the init container's copy of DATABASE_URL. */
function deploymentShape(deployment: Manifest): { pod: unknown; init: unknown } {
  const copy = structuredClone(deployment);
  const container = mainContainer(copy);
  const port: number = container.ports[0].containerPort;
  const pod = copy.spec.template.spec;
  for (const init of pod.initContainers ?? []) {
    // The migrations get exactly the service's DATABASE_URL entry (checked in kubernetes.test.ts).
    init.env = init.env.map((entry: { name: string }) => (entry.name === 'DATABASE_URL' ? '<DATABASE_URL of the service>' : entry));
  }
  delete container.env;
  delete container.envFrom;
  const init = pod.initContainers;
  delete pod.initContainers;
  return { pod: blanked(copy, deployment.metadata.name, port), init: init && blanked(init, deployment.metadata.name, port) };
}

describe.each(Object.keys(rendered) as Array<keyof typeof rendered>)('the services of k8s/%s', (variant) => {
  const manifests = rendered[variant];
  const [first, ...others] = SERVICES;
  const firstWithDatabase = SERVICES.find(hasDatabase)!;

  test('When their Deployments are compared, then they are one shape: only name, image, port, environment differ, and migrations run exactly for database services', () => {
    const shapes = Object.fromEntries(SERVICES.map((service) => [service, deploymentShape(find(manifests, 'Deployment', service))]));

    for (const service of others) expect({ service, shape: shapes[service]!.pod }).toEqual({ service, shape: shapes[first!]!.pod });
    for (const service of SERVICES) {
      expect({ service, init: shapes[service]!.init }).toEqual({ service, init: hasDatabase(service) ? shapes[firstWithDatabase]!.init : undefined });
    }
  });

  test('When their Services, autoscalers and disruption budgets are compared, then they differ only in name and port', () => {
    for (const kind of ['Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) {
      const shapeOf = (service: string) => blanked(find(manifests, kind, service), service, mainContainer(find(manifests, 'Deployment', service)).ports[0].containerPort);
      for (const service of others) expect({ kind, service, shape: shapeOf(service) }).toEqual({ kind, service, shape: shapeOf(first!) });
    }
  });

  test('When their databases are compared, then each is the same PostgreSQL, differing only in name and Secret', () => {
    const databases = ofKind(manifests, 'StatefulSet').filter((set) => set.metadata.labels?.['app.kubernetes.io/component'] === 'database');
    const shapeOf = (name: string) =>
      ['StatefulSet', 'Service', 'NetworkPolicy'].map((kind) => {
        const manifest = find(manifests, kind, name);
        // The service it belongs to appears only in its NetworkPolicy; the Secret is <name>-credentials.
        const owner = kind === 'NetworkPolicy' ? manifest.spec.ingress[0].from[0].podSelector.matchLabels['app.kubernetes.io/name'] : undefined;
        return blanked(owner ? blanked(manifest, owner) : manifest, name);
      });

    expect(databases.length).toBe(SERVICES.filter(hasDatabase).length);
    for (const { metadata } of databases) expect({ database: metadata.name, shape: shapeOf(metadata.name) }).toEqual({ database: metadata.name, shape: shapeOf(databases[0]!.metadata.name) });
  });
});

describe.each(SERVICES)('k8s/base/%s', (service) => {
  const folder = `k8s/base/${service}`;
  const kustomization = () => parse(readRepoFile(`${folder}/kustomization.yaml`)) as { resources?: string[]; components?: string[]; patches?: unknown[] };

  test('When its deployment.yaml is read, then it states only what differs: name, image, port, environment', () => {
    const deployment = parse(readRepoFile(`${folder}/deployment.yaml`)) as Manifest;
    const pod = deployment.spec.template.spec;

    expect(Object.keys(deployment.metadata)).toEqual(['name']);
    expect([Object.keys(deployment.spec), Object.keys(deployment.spec.template), Object.keys(pod)]).toEqual([['template'], ['spec'], ['containers']]);
    expect(pod.containers).toHaveLength(1);
    expect(Object.keys(pod.containers[0]).filter((key) => !['name', 'image', 'ports', 'envFrom', 'env'].includes(key))).toEqual([]);
  });

  test('When its kustomization is read, then it takes the microservice shape, and migrations and its own PostgreSQL exactly when it has a database', () => {
    const components = kustomization().components ?? [];

    expect(kustomization().resources).toEqual(['deployment.yaml']);
    expect(components).toEqual(['../../components/microservice', ...(hasDatabase(service) ? ['../../components/migrations', '../../components/postgres'] : [])]);
    for (const component of components) expect(existsSync(path.join(ROOT, folder, component, 'kustomization.yaml'))).toBe(true);
  });
});
