import {
  containerEnvironment,
  dataOf,
  find,
  isAllowed,
  KUSTOMIZATIONS,
  mainContainer,
  ofKind,
  renderKustomization,
  resolvePort,
  schemaProblem,
  workloadEndpoints,
  type Container,
  type Endpoint,
  type Manifest,
} from './support/kubernetes';
import { configProblems, hasDatabase, missingRequired, portFor, SERVICE_TOKEN_HOLDERS, SERVICES, unknownVariables, usesBroker } from './support/repo';

const NAMESPACE = 'microshop';
/** Replicas of each service's Deployment per kustomization. */
const REPLICAS = { base: 3, local: 1 } as const;

const rendered = {
  base: renderKustomization(KUSTOMIZATIONS.base),
  local: renderKustomization(KUSTOMIZATIONS.local),
};
type Variant = keyof typeof rendered;
const variants = Object.keys(rendered) as Variant[];

describe.each(variants)('k8s/%s rendered with kubectl kustomize', (variant) => {
  const manifests = rendered[variant];

  test('When validated against the Kubernetes schemas (kubernetes-models), then every manifest is valid', () => {
    expect(manifests.length).toBeGreaterThan(0);
    expect(manifests.map(schemaProblem).filter(Boolean)).toEqual([]);
  });

  test('When the schema validator is given a broken manifest, then it reports it (the check can fail)', () => {
    const broken = structuredClone(find(manifests, 'Deployment', 'user-service'));
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';

    expect(schemaProblem(broken)).toMatch(/containerPort/);
  });

  test('When applied, then everything lands in the namespace microshop', () => {
    expect(find(manifests, 'Namespace', NAMESPACE)).toBeDefined();
    expect(manifests.filter((m) => m.kind !== 'Namespace' && m.metadata.namespace !== NAMESPACE).map((m) => `${m.kind}/${m.metadata.name}`)).toEqual([]);
  });

  test('When the namespace enforces Pod Security "restricted", then every workload’s pods meet it (else they are refused)', () => {
    expect(find(manifests, 'Namespace', NAMESPACE).metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const workload of manifests.filter((m) => ['Deployment', 'StatefulSet', 'Job'].includes(m.kind))) {
      const pod = workload.spec.template.spec;
      for (const container of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const security = { ...pod.securityContext, ...container.securityContext };
        expect({ workload: workload.metadata.name, container: container.name, ...security }).toMatchObject({
          workload: workload.metadata.name,
          container: container.name,
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
      }
    }
  });

  test('When the services run, then each has a Deployment, Service, HorizontalPodAutoscaler and PodDisruptionBudget', () => {
    for (const service of SERVICES) {
      const deployment = find(manifests, 'Deployment', service);
      const selector = deployment.spec.selector.matchLabels;
      expect(find(manifests, 'Service', service).spec.selector).toEqual(selector);
      expect(find(manifests, 'HorizontalPodAutoscaler', service).spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: service });
      expect(find(manifests, 'PodDisruptionBudget', service).spec.selector.matchLabels).toEqual(selector);
      expect(deployment.spec.template.metadata.labels).toMatchObject(selector);
    }
  });

  test(`When the services are deployed, then each Deployment runs ${REPLICAS[variant]} replica(s) and its autoscaler does not start above that`, () => {
    for (const service of SERVICES) {
      expect({ service, replicas: find(manifests, 'Deployment', service).spec.replicas }).toEqual({ service, replicas: REPLICAS[variant] });
      expect(find(manifests, 'HorizontalPodAutoscaler', service).spec.minReplicas).toBeLessThanOrEqual(REPLICAS[variant]);
    }
  });

  test('When the databases and the broker run, then each is a StatefulSet with a volume', () => {
    const stateful = ofKind(manifests, 'StatefulSet');
    const databaseHosts = SERVICES.filter(hasDatabase).map((service) => {
      const env = containerEnvironment(mainContainer(find(manifests, 'Deployment', service)), manifests);
      return new URL(env.DATABASE_URL!).hostname;
    });

    expect(stateful.map((s) => s.metadata.name).sort()).toEqual([...databaseHosts, 'rabbitmq'].sort());
    for (const set of stateful) {
      expect(set.spec.volumeClaimTemplates).toHaveLength(1);
      expect(find(manifests, 'Service', set.spec.serviceName)).toBeDefined();
      expect(mainContainer(set).image).toMatch(set.metadata.name === 'rabbitmq' ? /^rabbitmq:4-management$/ : /^postgres:16-alpine$/);
    }
  });

  test('When the gateway is exposed, then the Ingress routes to its Service port', () => {
    const [ingress, ...others] = ofKind(manifests, 'Ingress');
    const backend = ingress!.spec.rules[0].http.paths[0].backend.service;
    // Only the public API is exposed; /metrics and /ready stay inside the cluster.
    expect(ingress!.spec.rules[0].http.paths.map((p: { path: string }) => p.path)).toEqual(['/api']);
    const service = find(manifests, 'Service', backend.name);

    expect(others).toEqual([]);
    expect(backend.name).toBe('api-gateway');
    expect(service.spec.ports.some((p: { name: string; port: number }) => p.name === backend.port.name || p.port === backend.port.number)).toBe(true);
  });

  test('When secrets are committed, then they hold placeholders only (change-me)', () => {
    for (const secret of ofKind(manifests, 'Secret')) {
      for (const [key, value] of Object.entries(dataOf(secret))) {
        if (/PASS|SECRET|TOKEN|_URL$/.test(key)) expect({ secret: secret.metadata.name, key, value }).toEqual({ secret: secret.metadata.name, key, value: expect.stringContaining('change-me') });
      }
    }
  });

  test('When an image is pulled, then it is microshop/<service>:latest, never pulled again when loaded with kind', () => {
    for (const service of SERVICES) {
      const { spec } = find(manifests, 'Deployment', service).spec.template;
      for (const container of [...spec.containers, ...(spec.initContainers ?? [])]) {
        expect(container.image).toBe(`microshop/${service}:latest`);
        expect(container.imagePullPolicy).toBe('IfNotPresent');
      }
    }
  });
});

describe.each(variants)('Deployments of k8s/%s', (variant) => {
  const manifests = rendered[variant];

  /** Every check of a hardened container: non-root, read-only root fs, no escalation, no capabilities. */
  function expectHardened(container: Container, podSecurity: Record<string, unknown>) {
    const security = { ...podSecurity, ...container.securityContext };
    expect({ container: container.name, ...security }).toMatchObject({
      container: container.name,
      runAsNonRoot: true,
      runAsUser: expect.any(Number),
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(security.runAsUser).not.toBe(0);
  }

  describe.each(SERVICES)('%s', (service) => {
    const deployment = find(manifests, 'Deployment', service);
    const pod = deployment.spec.template.spec;
    const container = mainContainer(deployment);
    const env = containerEnvironment(container, manifests);
    const port = portFor(service, env);

    test('When probed, then startup and liveness ask /health and readiness asks /ready, on the port the service listens on', () => {
      const probes = { startup: container.startupProbe, liveness: container.livenessProbe, readiness: container.readinessProbe };

      expect(probes.startup?.httpGet?.path).toBe('/health');
      expect(probes.liveness?.httpGet?.path).toBe('/health');
      expect(probes.readiness?.httpGet?.path).toBe('/ready');
      for (const probe of Object.values(probes)) expect(resolvePort(container, probe.httpGet.port)).toBe(port);
    });

    test('When it is stopped, then the grace period covers the preStop sleep, the drain and the shutdown bound, with room to spare', () => {
      // Kubernetes sends SIGTERM after preStop; runMain exits at the latest SHUTDOWN_DRAIN_MS + SHUTDOWN_TIMEOUT_MS later.
      const command: string[] = container.lifecycle?.preStop?.exec?.command ?? [];
      const preStopSeconds = command[0] === 'sleep' ? Number(command[1]) : NaN;
      const drainSeconds = Number(env.SHUTDOWN_DRAIN_MS ?? 0) / 1000;
      const shutdownSeconds = Number(env.SHUTDOWN_TIMEOUT_MS ?? 10_000) / 1000;
      const needed = preStopSeconds + drainSeconds + shutdownSeconds;

      // Endpoint controllers, kube-proxy and the ingress take a few seconds to drop a terminating
      // pod: the preStop sleep gives them 5 s before intake stops.
      expect(preStopSeconds).toBeGreaterThanOrEqual(5);
      expect({ needed, grace: pod.terminationGracePeriodSeconds, roomToSpare: pod.terminationGracePeriodSeconds - needed >= 5 }).toEqual({
        needed,
        grace: pod.terminationGracePeriodSeconds,
        roomToSpare: true,
      });
    });

    test('When it listens, then containerPort and the Service target are the PORT of its config', () => {
      const serviceManifest = find(manifests, 'Service', service);

      expect(container.ports.map((p: { containerPort: number }) => p.containerPort)).toEqual([port]);
      for (const servicePort of serviceManifest.spec.ports) expect(resolvePort(container, servicePort.targetPort)).toBe(port);
    });

    test('When scheduled, then requests and limits of CPU and memory are set on every container', () => {
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect(c.resources).toEqual({
          requests: { cpu: expect.anything(), memory: expect.anything() },
          limits: { cpu: expect.anything(), memory: expect.anything() },
        });
      }
    });

    test('When it runs, then every container is non-root with a read-only root file system and no privileges', () => {
      expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) expectHardened(c, pod.securityContext);
      // The one writable place is an emptyDir on /tmp.
      const tmp = container.volumeMounts?.find((m: { mountPath: string }) => m.mountPath === '/tmp');
      expect(pod.volumes.find((v: { name: string }) => v.name === tmp?.name)?.emptyDir).toBeDefined();
      expect(pod.automountServiceAccountToken).toBe(false);
    });

    test('When its environment is built, then every variable is one its config.ts declares and no service links are injected', () => {
      expect(pod.enableServiceLinks).toBe(false);
      expect(unknownVariables(service, Object.keys(env))).toEqual([]);
      for (const init of pod.initContainers ?? []) expect(unknownVariables(service, Object.keys(containerEnvironment(init, manifests)))).toEqual([]);
    });

    test('When its environment is built, then only services that call each other hold the service token (never the gateway)', () => {
      expect('SERVICE_TOKEN' in env).toBe(SERVICE_TOKEN_HOLDERS.includes(service));
    });

    test('When its environment is built from ConfigMap and Secrets, then every required variable is there and its own schema accepts it', () => {
      expect(missingRequired(service, Object.keys(env))).toEqual([]);
      expect(configProblems(service, env)).toEqual([]);
    });

    test('When it starts, then migrations run first in an init container of the same image (database services only)', () => {
      const inits: Container[] = pod.initContainers ?? [];

      expect(container.command).toEqual(['node', 'dist/main.js']);
      if (!hasDatabase(service)) return expect(inits).toEqual([]);
      expect(inits.map((c) => [c.image, c.command])).toEqual([[container.image, ['node', 'dist/scripts/migrate.js']]]);
      expect(containerEnvironment(inits[0], manifests).DATABASE_URL).toBe(env.DATABASE_URL);
    });

    test('When it calls other services, then each URL names a Service whose port reaches that service’s PORT', () => {
      for (const [variable, value] of Object.entries(env).filter(([key]) => key.endsWith('_SERVICE_URL'))) {
        const url = new URL(value);
        const target = find(manifests, 'Service', url.hostname);
        const targetContainer = mainContainer(find(manifests, 'Deployment', url.hostname));
        const servicePort = target.spec.ports.find((p: { port: number }) => p.port === Number(url.port));
        expect({ variable, reachable: !!servicePort && resolvePort(targetContainer, servicePort.targetPort) === portFor(url.hostname, containerEnvironment(targetContainer, manifests)) }).toEqual({ variable, reachable: true });
      }
    });
  });
});

describe.each(variants)('NetworkPolicies of k8s/%s', (variant) => {
  const manifests = rendered[variant];
  const policies = ofKind(manifests, 'NetworkPolicy');
  const pods = workloadEndpoints(manifests);
  const pod = (name: string): Endpoint => {
    const found = pods.find((p) => p.name === name);
    if (!found) throw new Error(`no workload ${name}`);
    return found;
  };
  const ingressController: Endpoint = { name: 'ingress-nginx', namespace: 'ingress-nginx', namespaceLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' }, labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, ports: {} };
  const kubeDns: Endpoint = { name: 'kube-dns', namespace: 'kube-system', namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' }, labels: { 'k8s-app': 'kube-dns' }, ports: {} };
  const internet: Endpoint = { name: 'internet', namespace: '', namespaceLabels: {}, labels: {}, ports: {}, external: true };

  /** The connections the system needs, as "from → to:port", derived from the services' environments. */
  function neededConnections(): string[] {
    const needed = new Set<string>();
    for (const service of SERVICES) {
      const env = containerEnvironment(mainContainer(find(manifests, 'Deployment', service)), manifests);
      // Its database, the broker, and every service it calls (<NAME>_SERVICE_URL).
      for (const variable of ['DATABASE_URL', 'RABBITMQ_URL', 'REDIS_URL', ...Object.keys(env).filter((key) => key.endsWith('_SERVICE_URL'))]) {
        if (!env[variable]) continue;
        const url = new URL(env[variable]!);
        const targetPort = Number(url.port) || ({ 'amqp:': 5672, 'redis:': 6379 }[url.protocol] ?? 5432);
        // Variables with defaults (USER_SERVICE_URL...) count only when the pod actually sets them.
        needed.add(`${service} → ${url.hostname}:${targetPort}`);
      }
      if (env.SMTP_HOST && pods.some((p) => p.name === env.SMTP_HOST)) needed.add(`${service} → ${env.SMTP_HOST}:${env.SMTP_PORT}`);
    }
    return [...needed];
  }

  test('When nothing else is said, then every pod is denied in both directions', () => {
    const denyAll = policies.find((p) => Object.keys(p.spec.podSelector ?? {}).length === 0 && !p.spec.ingress && !p.spec.egress);

    expect(denyAll?.spec.policyTypes).toEqual(expect.arrayContaining(['Ingress', 'Egress']));
  });

  test('When the system runs, then every connection it needs is allowed', () => {
    const needed = neededConnections();
    const blocked = needed.filter((connection) => {
      const [, from, to, port] = /^(.+) → (.+):(\d+)$/.exec(connection)!;
      return !isAllowed(policies, pod(from!), pod(to!), Number(port));
    });

    expect(needed).toEqual(
      expect.arrayContaining(['order-service → user-service:3001', 'api-gateway → user-service:3001', 'order-service → catalog-service:3005', 'api-gateway → catalog-service:3005']),
    );
    expect(blocked).toEqual([]);
  });

  test('When any other pod-to-pod connection is tried, then it is denied', () => {
    const needed = new Set(neededConnections());
    const unexpected: string[] = [];
    for (const from of pods) {
      for (const to of pods) {
        for (const port of Object.values(to.ports)) {
          const connection = `${from.name} → ${to.name}:${port}`;
          if (from !== to && !needed.has(connection) && isAllowed(policies, from, to, port)) unexpected.push(connection);
        }
      }
    }

    expect(unexpected).toEqual([]);
  });

  test('When traffic comes from outside, then only the gateway is reachable, from the ingress controller', () => {
    const reachable = pods.filter((to) => Object.values(to.ports).some((port) => isAllowed(policies, ingressController, to, port) || isAllowed(policies, internet, to, port)));

    expect(reachable.map((p) => p.name)).toEqual(['api-gateway']);
  });

  test('When the gateway shares rate limits, then it reaches Redis and no other pod does', () => {
    const redis = pod('redis');
    const reaching = pods.filter((from) => from !== redis && isAllowed(policies, from, redis, 6379)).map((from) => from.name);
    const gatewayEnv = containerEnvironment(mainContainer(find(manifests, 'Deployment', 'api-gateway')), manifests);

    expect(gatewayEnv.REDIS_URL).toBe('redis://redis:6379');
    expect(reaching).toEqual(['api-gateway']);
    expect(isAllowed(policies, ingressController, redis, 6379) || isAllowed(policies, internet, redis, 6379)).toBe(false);
  });

  test('When a service reaches another service’s database, then it is denied', () => {
    for (const service of SERVICES) {
      for (const database of pods.filter((p) => p.labels['app.kubernetes.io/component'] === 'database')) {
        const own = needConnectionTo(service, database.name);
        expect({ from: service, to: database.name, allowed: isAllowed(policies, pod(service), database, 5432) }).toEqual({ from: service, to: database.name, allowed: own });
      }
    }
  });

  test('When any pod resolves a name, then cluster DNS is reachable on port 53', () => {
    for (const from of pods) {
      expect({ pod: from.name, udp: isAllowed(policies, from, kubeDns, 53, 'UDP'), tcp: isAllowed(policies, from, kubeDns, 53, 'TCP') }).toEqual({ pod: from.name, udp: true, tcp: true });
    }
  });

  test('When a service other than notification-service reaches outside the cluster, then it is denied', () => {
    for (const from of pods.filter((p) => p.name !== 'notification-service')) {
      for (const port of [25, 443, 587, 5432]) expect({ pod: from.name, port, allowed: isAllowed(policies, from, internet, port) }).toEqual({ pod: from.name, port, allowed: false });
    }
  });

  function needConnectionTo(service: string, database: string): boolean {
    if (!hasDatabase(service)) return false;
    const env = containerEnvironment(mainContainer(find(manifests, 'Deployment', service)), manifests);
    return new URL(env.DATABASE_URL!).hostname === database;
  }
});

describe('the local overlay', () => {
  test('When notification-service mails, then it reaches Mailpit, and the base points at an external relay', () => {
    const env = (variant: Variant) => containerEnvironment(mainContainer(find(rendered[variant], 'Deployment', 'notification-service')), rendered[variant]);

    expect({ host: env('local').SMTP_HOST, port: env('local').SMTP_PORT }).toEqual({ host: 'mailpit', port: '1025' });
    expect(find(rendered.local, 'Service', 'mailpit')).toBeDefined();
    expect(env('base').SMTP_HOST).not.toBe('mailpit');
  });

  test('When services use the broker, then the broker is in the rendered output', () => {
    expect(SERVICES.filter(usesBroker).length).toBeGreaterThan(0);
    for (const variant of variants) expect(find(rendered[variant], 'StatefulSet', 'rabbitmq')).toBeDefined();
  });

  test('When sized for a laptop, then each service requests less than in the base', () => {
    const memory = (manifests: Manifest[], service: string) => parseInt(mainContainer(find(manifests, 'Deployment', service)).resources.requests.memory, 10);

    for (const service of SERVICES) expect(memory(rendered.local, service)).toBeLessThan(memory(rendered.base, service));
  });
});
