import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './repo';

/** A rendered manifest, loosely typed: the tests read what they check. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** The kustomizations the tests render. */
export const KUSTOMIZATIONS = { base: 'k8s/base', local: 'k8s/overlays/local' } as const;

/**
 * Renders a kustomization with `kubectl kustomize` (offline). A missing kubectl fails the test
 * with how to install it: the manifests are never left unchecked.
 */
export function renderKustomization(directory: string): Manifest[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', path.join(ROOT, directory)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new Error(
        'kubectl is not installed or not on PATH; these checks need it to render k8s/. ' +
          'Install it (Debian/Ubuntu: `apt-get install -y kubectl`, or see https://kubernetes.io/docs/tasks/tools/) and run again.',
        { cause: error },
      );
    }
    throw new Error(`kubectl kustomize ${directory} failed: ${failure.stderr ?? failure.message}`, { cause: error });
  }
  return parseAllDocuments(output).map((document) => {
    if (document.errors.length) throw new Error(`kubectl kustomize ${directory} printed invalid YAML: ${document.errors[0]!.message}`);
    return document.toJS() as Manifest;
  });
}

/**
 * Validates a manifest against the Kubernetes OpenAPI schema of its apiVersion and kind
 * (kubernetes-models); returns the problem, or undefined when it is valid.
 */
export function schemaProblem(manifest: Manifest): string | undefined {
  const where = `${manifest.kind}/${manifest.metadata?.name}`;
  let model: { new (data: unknown): { validate(): void } };
  try {
    // e.g. kubernetes-models/apps/v1/Deployment, kubernetes-models/v1/Service
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    model = require(`kubernetes-models/${manifest.apiVersion}/${manifest.kind}`)[manifest.kind];
  } catch {
    return `${where}: no schema for ${manifest.apiVersion} ${manifest.kind}`;
  }
  // kustomize wraps long base64 values over several lines; the API server's decoder skips the
  // line breaks, the schema's "byte" format does not.
  const data = manifest.kind === 'Secret' && manifest.data
    ? Object.fromEntries(Object.entries(manifest.data).map(([k, v]) => [k, v.replace(/\s+/g, '')]))
    : manifest.data;
  try {
    new model({ ...manifest, ...(data ? { data } : {}) }).validate();
    return undefined;
  } catch (error) {
    return `${where}: ${(error as Error).message}`;
  }
}

export const ofKind = (manifests: Manifest[], kind: string): Manifest[] => manifests.filter((m) => m.kind === kind);

/** The manifest of a kind and name; throws when missing. */
export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered manifests`);
  return found;
}

/** The decoded data of a ConfigMap or Secret. */
export function dataOf(manifest: Manifest): Record<string, string> {
  if (manifest.kind === 'Secret') {
    const decoded = Object.fromEntries(Object.entries(manifest.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    return { ...decoded, ...manifest.stringData };
  }
  return { ...manifest.data };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Container = any;

/** The container named like the workload (the application container). */
export function mainContainer(workload: Manifest): Container {
  const containers: Container[] = workload.spec.template.spec.containers;
  const container = containers.find((c) => c.name === workload.metadata.name) ?? containers[0];
  if (!container) throw new Error(`${workload.kind}/${workload.metadata.name} has no containers`);
  return container;
}

/**
 * The environment a container gets, resolved from the rendered ConfigMaps and Secrets:
 * envFrom first, then env entries (literal values and configMapKeyRef / secretKeyRef).
 * Throws for a reference to something that is not rendered.
 */
export function containerEnvironment(container: Container, manifests: Manifest[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, dataOf(find(manifests, 'ConfigMap', source.configMapRef.name)));
    if (source.secretRef) Object.assign(env, dataOf(find(manifests, 'Secret', source.secretRef.name)));
  }
  for (const entry of container.env ?? []) {
    if (entry.value !== undefined) env[entry.name] = String(entry.value);
    const ref = entry.valueFrom?.secretKeyRef ?? entry.valueFrom?.configMapKeyRef;
    if (ref) {
      const data = dataOf(find(manifests, entry.valueFrom.secretKeyRef ? 'Secret' : 'ConfigMap', ref.name));
      if (!(ref.key in data)) throw new Error(`${entry.name}: key ${ref.key} missing from ${ref.name}`);
      env[entry.name] = data[ref.key]!;
    }
  }
  return env;
}

/** The container port a probe or Service targets (a number, or the name of a container port). */
export function resolvePort(container: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p: { name?: string }) => p.name === port)?.containerPort;
}

// ---- NetworkPolicy evaluation -----------------------------------------------------------------

/** A pod as NetworkPolicies see it: its namespace (with its labels), its labels, its ports. */
export interface Endpoint {
  name: string;
  namespace: string;
  namespaceLabels: Record<string, string>;
  labels: Record<string, string>;
  /** Named ports, to resolve policies that name them. */
  ports: Record<string, number>;
  /** Outside the cluster (ipBlock peers match it). */
  external?: boolean;
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: unknown[] } | undefined;

/** The parts of a NetworkPolicy rule the checker reads. */
interface PolicyPeer {
  ipBlock?: unknown;
  namespaceSelector?: Selector;
  podSelector?: Selector;
}
interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}
interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: PolicyPort[];
}

function matches(selector: Selector, labels: Record<string, string>): boolean {
  if (!selector) return true;
  if (selector.matchExpressions?.length) throw new Error('matchExpressions are not supported by this checker; use matchLabels');
  return Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}

function peerMatches(peer: PolicyPeer, policyNamespace: string, other: Endpoint): boolean {
  if (peer.ipBlock) return !!other.external;
  if (other.external) return false;
  if (peer.namespaceSelector) {
    return matches(peer.namespaceSelector, other.namespaceLabels) && matches(peer.podSelector, other.labels);
  }
  return other.namespace === policyNamespace && matches(peer.podSelector, other.labels);
}

function portMatches(rulePorts: PolicyPort[] | undefined, port: number, protocol: string, target: Endpoint): boolean {
  if (!rulePorts?.length) return true;
  return rulePorts.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    const number = typeof p.port === 'number' ? p.port : target.ports[p.port];
    return number === port || (p.endPort !== undefined && number !== undefined && port >= number && port <= p.endPort);
  });
}

/**
 * Whether `from` may open a connection to `to` on port/protocol under the policies of the
 * namespace, as the NetworkPolicy API defines it: a direction is open when no policy of that
 * type selects the pod, or when one that selects it has a matching rule. Pods outside the
 * namespace are not constrained by these policies on their own side.
 */
export function isAllowed(policies: Manifest[], from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
  const direction = (type: 'Ingress' | 'Egress', pod: Endpoint, peer: Endpoint, target: Endpoint) => {
    if (pod.external) return true;
    const selecting = policies.filter((policy) => {
      const types: string[] = policy.spec.policyTypes ?? (policy.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
      return policy.metadata.namespace === pod.namespace && types.includes(type) && matches(policy.spec.podSelector, pod.labels);
    });
    if (selecting.length === 0) return true;
    return selecting.some((policy) =>
      ((policy.spec[type === 'Ingress' ? 'ingress' : 'egress'] ?? []) as PolicyRule[]).some((rule) => {
        const peers = rule[type === 'Ingress' ? 'from' : 'to'];
        const peerOk = !peers?.length || peers.some((p) => peerMatches(p, policy.metadata.namespace!, peer));
        return peerOk && portMatches(rule.ports, port, protocol, target);
      }),
    );
  };
  return direction('Egress', from, to, to) && direction('Ingress', to, from, to);
}

/** Every pod template of the rendered workloads as an Endpoint. */
export function workloadEndpoints(manifests: Manifest[]): Endpoint[] {
  const namespaces = Object.fromEntries(ofKind(manifests, 'Namespace').map((ns) => [ns.metadata.name, ns.metadata.labels ?? {}]));
  return manifests
    .filter((m) => m.kind === 'Deployment' || m.kind === 'StatefulSet')
    .map((workload) => {
      const namespace = workload.metadata.namespace!;
      const ports: Record<string, number> = {};
      for (const container of workload.spec.template.spec.containers) {
        for (const port of container.ports ?? []) if (port.name) ports[port.name] = port.containerPort;
      }
      return {
        name: workload.metadata.name,
        namespace,
        namespaceLabels: { 'kubernetes.io/metadata.name': namespace, ...namespaces[namespace] },
        labels: workload.spec.template.metadata.labels ?? {},
        ports,
      };
    });
}
