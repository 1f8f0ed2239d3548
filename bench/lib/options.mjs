// The command line: every option of `node bench/run.mjs`, its defaults (full and --smoke) and the
// checks on them. A bad option exits 2 before anything is started.
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

// The services the stack starts (scripts/stack-lib.cjs), so a new one can be profiled without a change here.
const SERVICE_NAMES = createRequire(import.meta.url)('../../scripts/stack-lib.cjs').SERVICES.map((service) => service.name);

const USAGE = `Usage: node bench/run.mjs [options]   (build first: npx tsc -b)
  --smoke                 tiny run: 1-2 s per case, 4 connections, 8 users; nginx only if already installed
  --out <file>            JSON result (default bench/results/latest.json; smoke: bench/results/smoke.json)
  --cases 1,2,3,4,5       which cases to run (3 needs 2, or --rate; 5 = scale-out)
  --connections <n>       connections of cases 1 and 2 (default 32)
  --duration <s>          measured seconds per case-1/2 run (default 10)
  --warmup <s>            warm-up seconds before each measured run (default 3)
  --users <n>             users (each with a card) placing orders (default 200)
  --rate <n>              case 3 arrival rate in orders/s (default: half of case 2's max)
  --paid-duration <s>     case 3 sending time (default 15)
  --no-nginx-install      never apt-get install nginx (reported as skipped when missing)
  --log-level <level>     services' LOG_LEVEL (default info, as in production)
  --profile <svc,...>     run these services under node --cpu-prof (figures then include profiler overhead)
  --profile-dir <dir>     where the .cpuprofile files go (default: a new folder under ${tmpdir()})
`;

/** Says what is wrong with the command line (or the checkout) and exits 2: bad usage. */
export function failUsage(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

/**
 * The plan of the run from the command line: what to measure and for how long, where the JSON
 * goes. Prints the usage and exits 0 on --help; exits 2 on a bad option.
 */
export function readPlan(args, { resultsDir }) {
  const { values: argv } = parseArgs({
    args,
    options: {
      smoke: { type: 'boolean', default: false },
      out: { type: 'string' },
      cases: { type: 'string', default: '1,2,3,4,5' },
      connections: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      users: { type: 'string' },
      rate: { type: 'string' },
      'paid-duration': { type: 'string' },
      'no-nginx-install': { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      profile: { type: 'string' },
      'profile-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (argv.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }

  const smoke = argv.smoke;
  const num = (value, fallback) => (value === undefined ? fallback : Number(value));
  const plan = {
    mode: smoke ? 'smoke' : 'full',
    cases: new Set(argv.cases.split(',').map((c) => c.trim())),
    connections: num(argv.connections, smoke ? 4 : 32),
    warmupS: num(argv.warmup, smoke ? 1 : 3),
    measureS: num(argv.duration, smoke ? 2 : 10),
    users: num(argv.users, smoke ? 8 : 200),
    paidS: num(argv['paid-duration'], smoke ? 2 : 15),
    rate: argv.rate === undefined ? undefined : Number(argv.rate),
    settleS: smoke ? 20 : 30,
    drainS: smoke ? 30 : 90,
    jwtIterations: smoke ? 300 : 5000,
    // How long "what the machine does without us" is watched before the run starts.
    backgroundMs: smoke ? 500 : 2000,
    // The whole run, whatever happens; then everything is stopped and removed (issue: < 10 min).
    limitS: smoke ? 150 : 560,
    idleSettleMs: smoke ? 1000 : 3000,
    mayInstallNginx: smoke
      ? { allowed: false, reason: 'a smoke run never installs it' }
      : argv['no-nginx-install']
        ? { allowed: false, reason: '--no-nginx-install' }
        : { allowed: true },
    logLevel: argv['log-level'],
    profile: argv.profile ? argv.profile.split(',').map((s) => s.trim()).filter(Boolean) : [],
    profileDir: argv['profile-dir'],
    outFile: path.resolve(argv.out ?? path.join(resultsDir, smoke ? 'smoke.json' : 'latest.json')),
  };
  for (const [name, value] of Object.entries({ connections: plan.connections, warmup: plan.warmupS, duration: plan.measureS, users: plan.users, 'paid-duration': plan.paidS })) {
    if (!Number.isFinite(value) || value <= 0) failUsage(`--${name} must be a positive number`);
  }
  if (plan.cases.has('3') && !plan.cases.has('2') && !(plan.rate > 0)) failUsage('case 3 runs at half of case 2\'s max: run case 2 too, or give --rate');
  for (const name of plan.profile) {
    if (!SERVICE_NAMES.includes(name)) failUsage(`--profile: unknown service ${name}`);
  }
  return plan;
}
