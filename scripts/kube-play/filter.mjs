// kube-play-smoke's view of `kubectl kustomize k8s/overlays/local` (stdin): what podman kube play
// can run of it. Kept: the six service Deployments (component=microservice), with the values of
// the ConfigMaps and Secrets they read written into their env (podman 4.3 stores a Secret of the
// manifest in a form its own env lookup then rejects as "not valid JSON", and `kube down` leaves
// those secrets behind). Changed: images point at the local tags (docker.io/microshop/...,
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
/** name → data of every ConfigMap and (decoded) Secret. */
const sources = new Map(
  docs
    .filter((d) => d.kind === 'ConfigMap' || d.kind === 'Secret')
    .map((d) => [
      d.metadata.name,
      d.kind === 'Secret'
        ? Object.fromEntries(Object.entries(d.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]))
        : { ...d.data },
    ]),
);
const source = (name) => {
  const data = sources.get(name);
  if (!data) throw new Error(`the overlay renders no ConfigMap or Secret ${name}`);
  return data;
};
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
    const env = {};
    for (const from of c.envFrom ?? []) Object.assign(env, source((from.configMapRef ?? from.secretRef).name));
    for (const e of c.env ?? []) {
      const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
      env[e.name] = ref ? source(ref.name)[ref.key] : e.value;
    }
    delete c.envFrom;
    c.env = Object.entries(env).map(([name, value]) => ({ name, value: String(value) }));
  }
}
process.stdout.write(deployments.map((d) => stringify(d)).join('---\n'));
