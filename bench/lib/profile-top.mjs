// Summarises a V8 .cpuprofile (from `node bench/run.mjs --profile <service>`): self time by concern
// (what a fix would remove), by package and by function with file:line.
//   node bench/lib/profile-top.mjs <file.cpuprofile>... [--top 25] [--match <regex>]
//   ... --results bench/results/latest.json             a short summary per measured window of that run
//   ... --results bench/results/latest.json --window 'case 2 POST'   full breakdown of the matching windows only
//   ... --first 1500                                    only the first 1.5 s of the process (start-up)
// Windows are recorded by the run (lib/run-context.mjs) on the monotonic clock the profiles use
// (process.hrtime, µs).
// Inclusive time follows synchronous stacks only: work resumed after an await starts a new stack.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, match: { type: 'string' }, results: { type: 'string' }, window: { type: 'string' }, first: { type: 'string' } },
});
if (!positionals.length) {
  process.stderr.write('usage: node bench/lib/profile-top.mjs <file.cpuprofile>... [--top N] [--match regex] [--results run.json [--window regex]]\n');
  process.exit(2);
}
const top = Number(values.top);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const runWindows = values.results ? (JSON.parse(readFileSync(values.results, 'utf8')).run.windows ?? []) : undefined;

// Self time by concern, first match wins.
const CONCERNS = [
  ['idle', (pkg) => pkg === '(idle)'],
  ['garbage collector', (pkg) => pkg === '(garbage collector)'],
  ['module loading / compile (start-up)', (pkg, cf) => /^(wrapSafe|readFileUtf8|compileFunction|internalModuleStat|realpathSync)$/.test(cf.functionName) || /modules\/(cjs|esm)|module-details-from-path/.test(cf.url)],
  ['OpenTelemetry (spans, context, patches)', (pkg, cf) => /^@opentelemetry\/|^require-in-the-middle|^import-in-the-middle|^shimmer/.test(pkg) || /async_context_frame|async_hooks|async_local_storage/.test(cf.url)],
  ['Prisma client runtime', (pkg) => pkg.startsWith('@prisma/')],
  ['pg driver (pg, pg-pool, pg-protocol)', (pkg) => /^pg(-pool|-protocol|-types|-connection-string)?$/.test(pkg)],
  ['socket writes (writev/write syscalls)', (pkg, cf) => /^(writev|writeBuffer|writeUtf8String|writeLatin1String|writeAsciiString)$/.test(cf.functionName)],
  ['crypto (node, WebCrypto jobs)', (pkg, cf) => pkg === 'node core' && /crypto/.test(cf.url)],
  ['JWT (jose)', (pkg) => pkg === 'jose'],
  ['node http / net / streams', (pkg, cf) => pkg === 'node core' && /_http_|node:net|stream|internal\/http|node:http/.test(cf.url)],
  ['express + router + body-parser', (pkg) => /^(express|router|body-parser|raw-body|content-type|type-is|mime-types|mime-db|etag|fresh|send|on-finished|finalhandler|qs|path-to-regexp|media-typer|accepts|negotiator|debug|iconv-lite|cookie|vary|depd)$/.test(pkg)],
  ['helmet', (pkg) => pkg === 'helmet'],
  ['proxy (http-proxy-middleware, httpxy)', (pkg) => /^(http-proxy-middleware|httpxy|http-proxy)$/.test(pkg)],
  ['rate limiter', (pkg) => pkg === 'express-rate-limit'],
  ['prom-client', (pkg) => /^(prom-client|tdigest|bintrees)$/.test(pkg)],
  ['logging (winston, logform)', (pkg) => /^(winston|logform|winston-transport|triple-beam|safe-stable-stringify|@colors|colors|@so-ric|fecha)/.test(pkg)],
  ['zod', (pkg) => /^zod/.test(pkg)],
  ['amqp (amqplib, connection manager)', (pkg) => /^(amqplib|amqp-connection-manager|buffer-more-ints)$/.test(pkg)],
  ['mail (nodemailer)', (pkg) => /^nodemailer/.test(pkg)],
  ['breaker (opossum)', (pkg) => pkg === 'opossum'],
  ['service code (services + platform)', (pkg) => /^(api-gateway|user-service|order-service|payment-service|notification-service|platform)$/.test(pkg)],
];

const where = (cf) => {
  let url = cf.url.replace(/^file:\/\//, '');
  if (url.startsWith(root)) url = path.relative(root, url);
  return url ? `${url}:${cf.lineNumber + 1}` : '';
};
const pkgOf = (cf) => {
  const url = cf.url.replace(/^file:\/\//, '');
  if (!url) return cf.functionName.startsWith('(') ? cf.functionName : '(native/vm)';
  if (url.startsWith('node:')) return 'node core';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith(root)) return path.relative(root, url).split('/')[0];
  return url;
};
const fnKey = (cf) => `${cf.functionName || '(anonymous)'}  ${where(cf)}`;

function breakdown(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byConcern = new Map();
  const byPkg = new Map();
  const byFn = new Map();
  for (const [id, us] of self) {
    const cf = nodes.get(id).callFrame;
    const pkg = pkgOf(cf);
    const concern = CONCERNS.find(([, test]) => test(pkg, cf))?.[0] ?? 'other (VM, microtasks, node core misc)';
    byConcern.set(concern, (byConcern.get(concern) ?? 0) + us);
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + us);
    byFn.set(fnKey(cf), (byFn.get(fnKey(cf)) ?? 0) + us);
  }
  const busy = total - (byConcern.get('idle') ?? 0);
  return { nodes, parent, self, total, busy, byConcern, byPkg, byFn };
}

/** The profile with only the samples taken inside the windows. */
function restrict(profile, wins) {
  const samples = [];
  const timeDeltas = [];
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (wins.some((w) => t >= w.fromUs && t <= w.toUs)) {
      samples.push(id);
      timeDeltas.push(profile.timeDeltas[i] ?? 0);
    }
  });
  return { ...profile, samples, timeDeltas };
}

function report(file, profile) {
  const { nodes, parent, self, total, busy, byConcern, byPkg, byFn } = breakdown(profile);
  if (!total) return console.log(`\n${file}: no samples in the selected windows`);
  const ofBusy = (us) => `${((us / busy) * 100).toFixed(1).padStart(5)}%`;
  const print = (title, map, filter = () => true) => {
    console.log(`\n  ${title} (% of busy time)`);
    [...map].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, top).forEach(([k, us]) => console.log(`  ${ofBusy(us)}  ${k}`));
  };
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s sampled, ${((busy / total) * 100).toFixed(0)}% busy (${(busy / 1e6).toFixed(1)} s)`);
  print('self time by concern', byConcern, (k) => k !== 'idle');
  print('self time by package', byPkg, (k) => k !== '(idle)');
  print('self time by function', byFn, (k) => !k.startsWith('(idle)'));
  // Inclusive time: each sample counts once per distinct function on its (synchronous) stack.
  const incl = new Map();
  for (const [id, us] of self) {
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const key = fnKey(nodes.get(cur).callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + us);
    }
  }
  const match = values.match ? new RegExp(values.match) : /(api-gateway|user-service|order-service|payment-service|notification-service|platform)\/dist\//;
  print(`inclusive time of functions matching ${match}`, incl, (k) => match.test(k));
}

for (const file of positionals) {
  const full = JSON.parse(readFileSync(file, 'utf8'));
  if (runWindows && !values.window) {
    console.log(`\n${file}: per measured window — busy (100% = one core) and top concerns as % of busy time`);
    for (const w of runWindows) {
      const cut = restrict(full, [w]);
      if (!cut.samples.length) continue;
      const { byConcern, busy, total } = breakdown(cut);
      const top5 = [...byConcern].filter(([k]) => k !== 'idle').sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, us]) => `${k} ${((us / busy) * 100).toFixed(0)}%`).join(', ');
      console.log(`  ${w.label.padEnd(36)} ${((busy / total) * 100).toFixed(0).padStart(3)}% busy: ${top5}`);
    }
    continue;
  }
  if (values.first) {
    console.log(`\n(first ${values.first} ms of the process)`);
    report(file, restrict(full, [{ fromUs: full.startTime, toUs: full.startTime + Number(values.first) * 1000 }]));
    continue;
  }
  const chosen = runWindows ? runWindows.filter((w) => new RegExp(values.window).test(w.label)) : undefined;
  if (chosen) console.log(`\n(windows: ${chosen.map((w) => w.label).join('; ') || 'none matched'})`);
  report(file, chosen ? restrict(full, chosen) : full);
}
