import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  dockerfileOf,
  envOf,
  healthcheckOf,
  instructionsOf,
  parseDockerfile,
  startCommandOf,
  workdirOf,
  type Stage,
} from './support/dockerfile';
import { defaultPortOf, hasDatabase, readRepoFile, ROOT, SERVICES, unknownVariables, WORKSPACES } from './support/repo';

const runsOf = (stage: Stage) => instructionsOf(stage, 'RUN').map((i) => i.args);
const npmCiOf = (stage: Stage) => runsOf(stage).find((run) => /\bnpm ci\b/.test(run));

/** `@prisma/client/runtime/<file>` modules a service's compiled code imports. */
function prismaRuntimeImports(service: string): string[] {
  const dist = path.join(ROOT, service, 'dist');
  if (!existsSync(dist)) throw new Error(`${service}/dist is missing: run \`npx tsc -b\` first (root \`npm test\` does)`);
  const found = new Set<string>();
  for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.js')) continue;
    for (const [, name] of readFileSync(path.join(dist, file), 'utf8').matchAll(/@prisma\/client\/runtime\/([\w.-]+)/g)) found.add(name!);
  }
  return [...found];
}

describe('the Dockerfile parser', () => {
  test('When instructions span lines with comments in between, then it joins them as Docker does', () => {
    const parsed = parseDockerfile(
      ['# syntax=docker/dockerfile:1', 'ARG IMG=node:24-alpine', 'FROM ${IMG} AS build', 'RUN a \\', '  # note', '  b', 'FROM alpine', 'CMD ["x"]'].join('\n'),
    );

    expect(parsed.stages.map((s) => [s.from, s.name])).toEqual([['node:24-alpine', 'build'], ['alpine', undefined]]);
    expect(runsOf(parsed.stages[0]!)).toEqual(['a b']);
    expect(startCommandOf(parsed.final)).toEqual(['x']);
  });
});

describe.each(SERVICES)('%s/Dockerfile', (service) => {
  const dockerfile = dockerfileOf(service);
  const { final } = dockerfile;
  const port = defaultPortOf(service);

  test('When the image is built, then the build stages start from Node 24 (alpine or slim)', () => {
    const buildStages = dockerfile.stages.slice(0, -1);

    expect(buildStages.length).toBeGreaterThanOrEqual(1);
    for (const stage of buildStages) expect(stage.from).toMatch(/^node:24(\.\d+)*-(alpine|.*slim)/);
  });

  test('When dependencies are installed, then npm ci installs only this service and the platform kit, production deps for the runtime', () => {
    const installs = dockerfile.stages.map(npmCiOf).filter((run): run is string => run !== undefined);
    const production = installs.filter((run) => run.includes('--omit=dev'));

    expect(installs.length).toBeGreaterThanOrEqual(2);
    for (const run of installs) {
      expect(run).toMatch(new RegExp(`--workspace[ =]${service}\\b`));
      expect(run).toMatch(/--workspace[ =]platform\b/);
      // Other services' workspaces are never installed.
      for (const other of SERVICES.filter((s) => s !== service)) expect(run).not.toMatch(new RegExp(`--workspace[ =]${other}\\b`));
    }
    expect(production).toHaveLength(1);
  });

  test('When npm ci runs, then every workspace package.json and the lockfile are in place (npm ci checks them all)', () => {
    for (const stage of dockerfile.stages.filter((s) => npmCiOf(s))) {
      const copied = instructionsOf(stage, 'COPY')
        .filter((copy) => !copy.args.startsWith('--from'))
        .flatMap((copy) => copy.args.split(' ').slice(0, -1));
      expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', ...WORKSPACES.map((w) => `${w}/package.json`)]));
    }
  });

  test('When the code is compiled, then the Prisma client is generated first (database services) and tsc -b builds the service', () => {
    const runs = dockerfile.stages.flatMap(runsOf).join('\n');

    expect(runs).toMatch(new RegExp(`tsc -b ${service}\\b`));
    if (hasDatabase(service)) {
      expect(runs).toMatch(new RegExp(`npm run generate (--workspace|-w)[ =]${service}`));
      expect(runs.indexOf('npm run generate')).toBeLessThan(runs.indexOf('tsc -b'));
    }
  });

  test('When the runtime image is assembled, then it copies only node_modules, package files, dist, migrations and the node binary', () => {
    const copies = instructionsOf(final, 'COPY');
    const allowed = [
      /^\/usr\/local\/bin\/node$/,
      /^\/app\/node_modules$/,
      /^\/app\/package\.json$/,
      /^\/app\/[\w-]+\/package\.json$/,
      /^\/app\/[\w-]+\/dist$/,
      /^\/app\/[\w-]+\/prisma\/migrations$/,
      /^\/app\/platform\/migrations$/,
    ];

    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      // Nothing from the build context: every file of the runtime comes out of a build stage.
      expect(copy.args).toMatch(/^--from=/);
      const sources = copy.args.split(' ').filter((part) => !part.startsWith('--')).slice(0, -1);
      for (const source of sources) expect(allowed.some((pattern) => pattern.test(source))).toBe(true);
    }
    if (hasDatabase(service)) expect(copies.map((c) => c.args).join('\n')).toContain(`${service}/prisma/migrations`);
    // migrate() applies the platform's outbox and inbox from there (platform/src/data/database.ts).
    if (hasDatabase(service)) expect(copies.map((c) => c.args).join('\n')).toContain('/app/platform/migrations platform/migrations');
  });

  test('When the trimming removes Prisma query compilers, then it keeps every one the compiled client imports', () => {
    const runs = dockerfile.stages.flatMap(runsOf).join('\n');
    const kept = [...runs.matchAll(/! -name '([^']+)'/g)].map((m) => m[1]);

    for (const file of prismaRuntimeImports(service).filter((name) => name.startsWith('query_compiler'))) {
      expect(kept).toContain(file);
      expect(existsSync(path.join(ROOT, 'node_modules/@prisma/client/runtime', file))).toBe(true);
    }
  });

  test('When the container runs, then it is non-root, in production mode, on every interface of the container and the PORT its config defaults to', () => {
    const user = instructionsOf(final, 'USER').at(-1)?.args;
    const env = envOf(final);

    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(env.NODE_ENV).toBe('production');
    // The config's default is 127.0.0.1 (a process on a machine); a container is reached on its own address.
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.PORT === undefined ? port : Number(env.PORT)).toBe(port);
    expect(instructionsOf(final, 'EXPOSE').map((e) => Number(e.args))).toEqual([port]);
    expect(workdirOf(final)).toBe(`/app/${service}`);
    // Besides NODE_ENV, the image sets only variables the service reads.
    expect(unknownVariables(service, Object.keys(env).filter((k) => k !== 'NODE_ENV'))).toEqual([]);
  });

  test('When Docker checks health, then it asks /health with node (no curl in Alpine)', () => {
    const healthcheck = healthcheckOf(final);

    expect(healthcheck?.command[0]).toBe('node');
    expect(healthcheck?.command.join(' ')).toContain('/health');
    expect(healthcheck?.options).toMatch(/--interval=/);
  });

  test('When the container starts, then it migrates before serving (database services) and serves dist/main.js', () => {
    const command = startCommandOf(final).join(' ');

    expect(command).toMatch(/node dist\/main\.js/);
    if (hasDatabase(service)) {
      expect(command).toMatch(/node dist\/scripts\/migrate\.js\s*&&.*node dist\/main\.js/);
    } else {
      expect(command).not.toContain('migrate');
    }
  });
});

describe('.dockerignore', () => {
  test('When the build context is sent, then dependencies, build output, git and secrets stay out', () => {
    const patterns = readRepoFile('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));

    expect(patterns).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '**/*.tsbuildinfo', '**/src/generated', '.env', '.git']));
  });
});
