// kube-play-smoke's view of `kubectl kustomize k8s/overlays/local` (stdin): what podman kube play
// can run of it. Kept: the six service Deployments (component=microservice) and the ConfigMaps
// and Secrets they read. Changed: images point at the local tags (docker.io/microshop/...,
// never pulled); the migration init containers go (no database: kube play runs no StatefulSet
// and no Service to reach one); probes go (podman turns httpGet probes into curl, which the
// images do not carry; the smoke asks /health itself). Every pod is labelled with the run's id.
//   node filter.mjs <run-id>   the manifest to play, on stdout
//   node filter.mjs --names    "<deployment> <port>" per service Deployment
import { readFileSync } from 'node:fs';
import { parseAllDocuments, stringify } from 'yaml';

const docs = parseAllDocuments(readFileSync(0, 'utf8')).map((d) => d.toJS()).filter(Boolean);
const deployments = docs.filter((d) => d.kind === 'Deployment' && d.metadata.labels?.['app.kubernetes.io/component'] === 'microservice');
if (deployments.length === 0) throw new Error('no service Deployment in the rendered overlay');

if (process.argv[2] === '--names') {
  for (const d of deployments) {
    const container = d.spec.template.spec.containers[0];
    const port = container.ports?.find((p) => p.name === 'http')?.containerPort;
    console.log(`${d.metadata.name} ${port}`);
  }
  process.exit(0);
}

const runId = process.argv[2];
const referenced = new Set();
for (const d of deployments) {
  const pod = d.spec.template;
  pod.metadata.labels = { ...pod.metadata.labels, 'microshop-kube-play': runId };
  d.metadata.labels = { ...d.metadata.labels, 'microshop-kube-play': runId };
  delete pod.spec.initContainers;
  for (const c of pod.spec.containers) {
    c.image = `docker.io/${c.image}`;
    c.imagePullPolicy = 'Never';
    delete c.readinessProbe;
    delete c.livenessProbe;
    delete c.startupProbe;
    delete c.lifecycle;
    for (const from of c.envFrom ?? []) referenced.add((from.configMapRef ?? from.secretRef)?.name);
    for (const e of c.env ?? []) referenced.add((e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef)?.name);
  }
}
const sources = docs.filter((d) => (d.kind === 'ConfigMap' || d.kind === 'Secret') && referenced.has(d.metadata.name));
process.stdout.write([...sources, ...deployments].map((d) => stringify(d)).join('---\n'));
