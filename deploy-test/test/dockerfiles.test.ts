import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  baseImageOf,
  dockerfileOf,
  envOf,
  healthcheckOf,
  instructionsOf,
  lineageOf,
  parseDockerfile,
  startCommandOf,
  workdirOf,
  type Stage,
} from './support/dockerfile';
import { defaultPortOf, hasDatabase, readRepoFile, ROOT, SERVICES, unknownVariables, WORKSPACES } from './support/repo';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script of the repository
const stackNodeFlags = (require('../../scripts/stack-lib.cjs') as { NODE_FLAGS: string[] }).NODE_FLAGS;

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

  test('When built with a build argument, then stages that declare it see its value, and a stage started from another inherits its instructions', () => {
    const parsed = parseDockerfile(
      ['ARG IMG=node:24-alpine', 'FROM ${IMG} AS base', 'ARG S', 'COPY ${S}/package.json $S/', 'FROM base AS build', 'RUN tsc -b ${S} $HOME', 'FROM alpine', 'ARG S', 'WORKDIR /app/${S}', 'CMD ["sh", "-c", "echo ${S}"]'].join('\n'),
      { S: 'user-service' },
    );
    const [base, build, final] = parsed.stages;

    expect(instructionsOf(base!, 'COPY')[0]?.args).toBe('user-service/package.json user-service/');
    // build declares no ARG S: the shell sees none, so nothing is substituted (as in Docker).
    expect(runsOf(build!)).toEqual(['tsc -b ${S} $HOME']);
    expect([build!.parent, baseImageOf(build!), lineageOf(build!).map((i) => i.keyword)]).toEqual([base, 'node:24-alpine', ['ARG', 'COPY', 'RUN']]);
    expect(workdirOf(final!)).toBe('/app/user-service');
    // CMD runs in the container, where build arguments do not exist.
    expect(startCommandOf(final!)).toEqual(['sh', '-c', 'echo ${S}']);
  });
});

describe('the Dockerfile at the repository root', () => {
  test('When it is the only one, then no service folder carries a Dockerfile of its own', () => {
    expect(SERVICES.filter((service) => existsSync(path.join(ROOT, service, 'Dockerfile')))).toEqual([]);
  });

  test('When SERVICE is missing or names no service workspace, then the build stops at its first step with how to call it', () => {
    // The workspace stage runs it in /app, which holds the same package.json files as the repository root.
    const exitOf = (value: string) => {
      const guard = runsOf(dockerfileOf(value).stages[0]!).find((run) => run.includes('SERVICE must name'));
      if (!guard) throw new Error('the first stage of the Dockerfile does not check SERVICE');
      return spawnSync('sh', ['-c', guard], { cwd: ROOT, env: { PATH: process.env.PATH }, encoding: 'utf8' });
    };

    for (const wrong of ['', 'platform', 'no-such-service', 'deploy-test']) expect({ wrong, status: exitOf(wrong).status }).toEqual({ wrong, status: 1 });
    expect(exitOf('').stderr).toContain('--build-arg SERVICE=');
    for (const service of SERVICES) expect({ service, status: exitOf(service).status }).toEqual({ service, status: 0 });
  });
});

describe.each(SERVICES)('the Dockerfile built with SERVICE=%s', (service) => {
  const dockerfile = dockerfileOf(service);
  const { final } = dockerfile;
  const port = defaultPortOf(service);

  test('When the image is built, then the build stages start from Node 24 on slim Debian and the runtime from the same Debian release', () => {
    const buildStages = dockerfile.stages.slice(0, -1);
    const release = /^node:24(?:\.\d+)*-(\w+)-slim$/.exec(baseImageOf(buildStages[0]!))?.[1];

    expect(buildStages.length).toBeGreaterThanOrEqual(1);
    for (const stage of buildStages) expect(baseImageOf(stage)).toMatch(/^node:24(\.\d+)*-\w+-slim$/);
    // The runtime copies the build image's glibc node binary: both sides on one Debian release.
    expect(baseImageOf(final)).toBe(`debian:${release}-slim`);
  });

  test('When the runtime image is assembled, then no package manager runs in it (no compilers or extra packages)', () => {
    for (const run of runsOf(final)) expect(run).not.toMatch(/\b(apk|apt-get|apt|dpkg|npm|gcc|make)\b/);
  });

  test('When npm ci reaches the registry, then the CA bundle is a secret mounted for that step, never a file of a layer', () => {
    const installs = dockerfile.stages.map(npmCiOf).filter((run): run is string => run !== undefined);
    const allInstructions = dockerfile.stages.flatMap((stage) => stage.instructions.map((i) => `${i.keyword} ${i.args}`));

    for (const run of installs) expect(run).toMatch(/--mount=type=secret,id=npm_ca\b/);
    expect(allInstructions.filter((line) => /ca-certificates|\.crt\b|\.pem\b|NODE_EXTRA_CA_CERTS=\//.test(line) && !line.startsWith('RUN --mount'))).toEqual([]);
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
      const copied = lineageOf(stage)
        .filter((instruction) => instruction.keyword === 'COPY' && !instruction.args.startsWith('--from'))
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
      // What npm could not hoist into the root node_modules.
      /^\/app\/[\w-]+\/node_modules$/,
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
    // One image recipe for all: the port is src/config.ts's alone, never restated in the image.
    expect(env.PORT).toBeUndefined();
    expect(instructionsOf(final, 'EXPOSE')).toEqual([]);
    expect(workdirOf(final)).toBe(`/app/${service}`);
    // Node runs with the flags every service process gets on a machine (scripts/stack-lib.cjs).
    expect(env.NODE_OPTIONS).toBe(stackNodeFlags.join(' '));
    // Besides NODE_ENV and NODE_OPTIONS (Node's own), the image sets only variables the service reads.
    expect(unknownVariables(service, Object.keys(env).filter((k) => k !== 'NODE_ENV' && k !== 'NODE_OPTIONS'))).toEqual([]);
  });

  test('When Docker checks health, then it asks /health with node (no curl in slim Debian)', () => {
    const healthcheck = healthcheckOf(final);

    expect(healthcheck?.command[0]).toBe('node');
    expect(healthcheck?.command.join(' ')).toContain('/health');
    expect(healthcheck?.options).toMatch(/--interval=/);
  });

  test('When Docker checks health, then it asks the port the service listens on: its config default, or PORT when set', () => {
    // Run in the service folder (the image's WORKDIR) with fetch replaced by one that prints the URL.
    const command = healthcheckOf(final)!.command;
    const stub = path.join(mkdtempSync(path.join(tmpdir(), 'healthcheck-')), 'fetch-stub.js');
    writeFileSync(stub, "globalThis.fetch = async (url) => { process.stdout.write(String(url)); return { ok: true }; };");
    const urlAsked = (env: Record<string, string>) =>
      spawnSync(process.execPath, ['--require', stub, ...command.slice(1)], { cwd: path.join(ROOT, service), env: { ...envOf(final), ...env }, encoding: 'utf8' });

    expect(urlAsked({})).toMatchObject({ status: 0, stdout: `http://127.0.0.1:${port}/health` });
    expect(urlAsked({ PORT: '4321' })).toMatchObject({ status: 0, stdout: 'http://127.0.0.1:4321/health' });
  });

  test('When the container starts, then it migrates before serving exactly when the service has a database, and execs dist/main.js', () => {
    const command = startCommandOf(final).join(' ');

    // exec: node replaces the shell and receives SIGTERM itself (start-command.test.ts proves it).
    expect(command).toMatch(/\bexec node dist\/main\.js/);
    // The one command migrates when the build produced dist/scripts/migrate.js, and stops on failure.
    expect(command).toMatch(/if \[ -f dist\/scripts\/migrate\.js \]; then node dist\/scripts\/migrate\.js \|\| exit; fi; exec node dist\/main\.js/);
    expect(existsSync(path.join(ROOT, service, 'dist/scripts/migrate.js'))).toBe(hasDatabase(service));
  });
});

describe('the local base images (scripts/local-base-images.sh)', () => {
  test('When the Dockerfile names its base images, then the script makes images of exactly those names, so a build here pulls nothing', () => {
    const script = readRepoFile('scripts/local-base-images.sh');
    const bases = new Set(dockerfileOf(SERVICES[0]!).stages.map(baseImageOf));

    expect(bases.size).toBeGreaterThanOrEqual(2);
    for (const image of bases) expect({ image, made: script.includes(`docker.io/library/${image}`) }).toEqual({ image, made: true });
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
