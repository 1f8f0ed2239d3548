import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadCompose } from './support/compose';
import { readRepoFile, ROOT, SERVICES } from './support/repo';

// The workspace list of package.json is the list of services: each one is deployed everywhere,
// and nothing is deployed that is not one.

const compose = loadCompose();
const baseResources = (parse(readRepoFile('k8s/base/kustomization.yaml')) as { resources: string[] }).resources;

describe.each(SERVICES)('the workspace %s', (service) => {
  test('When deployed to Kubernetes, then it has a folder in k8s/base that the base renders', () => {
    expect(existsSync(path.join(ROOT, 'k8s/base', service, 'kustomization.yaml'))).toBe(true);
    expect(baseResources).toContain(service);
  });

  test('When run with Docker Compose, then it has a service entry built from the one Dockerfile', () => {
    expect(compose.services[service]?.build?.args?.SERVICE).toBe(service);
  });
});

describe('the deployment files', () => {
  test('When they name a service, then it is a workspace (no leftover of a removed or renamed service)', () => {
    const k8sFolders = readdirSync(path.join(ROOT, 'k8s/base'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(path.join(ROOT, 'k8s/base', entry.name, 'kustomization.yaml')))
      .map((entry) => entry.name);
    const built = Object.values(compose.services).flatMap((definition) => definition.build?.args?.SERVICE ?? []);

    expect(k8sFolders.sort()).toEqual([...SERVICES].sort());
    expect(built.sort()).toEqual([...SERVICES].sort());
  });
});
