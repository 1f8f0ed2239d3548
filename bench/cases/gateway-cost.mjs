// Case 1, gateway cost: GET /users/me and GET /health (a) straight to user-service with the
// identity headers the gateway would add, (b) through the gateway with a Bearer token, (c) through
// nginx, which injects the same headers: the same hop minus JWT verification. Closed loop
// (autocannon), the variants taking turns; then the JWT line (gateway-cost-jwt.mjs).
import { cannon } from '../lib/load.mjs';
import { expectStatus, http } from '../lib/http.mjs';
import { ensureNginx, startNginx } from '../lib/nginx.mjs';
import { cpuBetween, cpuSnapshot, perRequest } from '../lib/proc.mjs';
import { Samples, ratio, round } from '../lib/stats.mjs';
import { timeJwtVerification } from './gateway-cost-jwt.mjs';

const ROUTES = [
  ['usersMe', 'GET /users/me', (v) => v.me, true],
  ['health', 'GET /health', () => '/health', false],
];

/** Case 1's result: req/s, latency and CPU per request of each route and variant, ratios, JWT timing. */
export async function measureGatewayCost(run, system) {
  const { plan } = run;
  const me = system.users[0];
  const userService = system.byName['user-service'];
  const gatewayToken = userService.env.GATEWAY_TOKEN;
  const nginx = await startReferenceNginx(run, system, { gatewayToken, userId: me.id, role: 'customer' });
  const identity = { 'x-gateway-token': gatewayToken, 'x-user-id': me.id, 'x-user-role': 'customer' };
  const variants = {
    direct: { base: `http://127.0.0.1:${userService.port}`, me: '/users/me', headers: identity },
    gateway: { base: system.gatewayUrl, me: '/api/users/me', headers: { authorization: me.auth } },
    ...(nginx.url ? { nginx: { base: nginx.url, me: '/api/users/me', headers: {} } } : {}),
  };
  // Each variant must answer the same thing before it is measured.
  for (const [name, variant] of Object.entries(variants)) {
    const answer = await expectStatus(`GET /users/me ${name}`, http('GET', `${variant.base}${variant.me}`, { headers: variant.headers, signal: run.signal }), 200);
    if (answer.id !== me.id) throw new Error(`GET /users/me ${name} answered user ${answer.id}, expected ${me.id}`);
    await expectStatus(`GET /health ${name}`, http('GET', `${variant.base}/health`, { signal: run.signal }), 200);
  }
  // Rounds: the variants take turns (direct, gateway, nginx, direct, ...) in slices that add up to
  // the measured time, so a burst of other load on the machine hits all of them alike.
  const rounds = Math.max(1, Math.min(5, Math.floor(plan.measureS / 2)));
  const routes = { usersMe: {}, health: {} };
  for (const [route, title, pathOf, withHeaders] of ROUTES) {
    Object.assign(routes[route], await measureRoute(run, system, { title, variants, pathOf, withHeaders, rounds }));
    if (!variants.nginx) routes[route].nginx = { skipped: nginx.skipped };
  }
  const jwt = await timeJwtVerification(run, { token: me.auth.slice('Bearer '.length), secret: system.byName['api-gateway'].env.JWT_SECRET });
  return {
    connections: plan.connections,
    warmupS: plan.warmupS,
    measureS: plan.measureS,
    rounds,
    notes: {
      direct: 'user-service itself, with the identity headers the gateway would send (x-gateway-token, x-user-id, x-user-role)',
      gateway: 'api-gateway with a Bearer token: JWT verified, identity headers set, proxied to user-service over its keep-alive agent',
      nginx: 'nginx, 1 worker, upstream keepalive 64, injecting the same identity headers: the same hop minus JWT verification',
      health: 'GET /health: direct and nginx reach user-service\'s /health; the gateway answers /health itself (no upstream hop), so that row is its own framework floor',
    },
    routes,
    ratios: {
      usersMe: { gatewayToDirect: ratio(routes.usersMe.gateway.rps, routes.usersMe.direct.rps), gatewayToNginx: ratio(routes.usersMe.gateway.rps, routes.usersMe.nginx?.rps) },
      health: { gatewayToDirect: ratio(routes.health.gateway.rps, routes.health.direct.rps), gatewayToNginx: ratio(routes.health.gateway.rps, routes.health.nginx?.rps) },
    },
    jwtVerifyMicroseconds: jwt,
    nginx,
  };
}

/**
 * nginx in front of user-service (installed when missing and allowed), owned by the run; its CPU
 * is watched from now on. Returns { url, pid, version, ... } or { skipped: reason }; the run's
 * JSON keeps it under run.nginx too.
 */
async function startReferenceNginx(run, system, identity) {
  const { log } = run;
  let nginx;
  const binary = ensureNginx({ mayInstall: run.plan.mayInstallNginx, log });
  if (binary.skipped) {
    nginx = { skipped: binary.skipped };
    log(`nginx skipped: ${binary.skipped}`);
  } else {
    const port = 3009 + system.portOffset;
    run.owned.nginx = await startNginx({ binary: binary.path, port, upstreamPort: system.byName['user-service'].port, identity });
    nginx = { url: `http://127.0.0.1:${port}`, pid: run.owned.nginx.pid, version: run.owned.nginx.version, workers: 1, installedNow: binary.installed, stoppedSystemNginx: binary.stoppedSystemNginx };
    system.pids.nginx = run.owned.nginx.pid;
    log(`nginx ${run.owned.nginx.version} on ${port} (1 worker, keepalive 64 to user-service)`);
  }
  run.result.run.nginx = nginx;
  return nginx;
}

/** One route, every variant: a warm-up each, then `rounds` measured slices each, in turns. */
async function measureRoute(run, system, { title, variants, pathOf, withHeaders, rounds }) {
  const { plan, log } = run;
  const slice = plan.measureS / rounds;
  const acc = {};
  for (const [name, variant] of Object.entries(variants)) {
    run.checkAbort();
    log(`case 1 ${title} ${name}: ${plan.warmupS} s warm-up`);
    const options = { url: `${variant.base}${pathOf(variant)}`, headers: withHeaders ? variant.headers : {}, connections: plan.connections };
    await cannon({ ...options, seconds: plan.warmupS });
    acc[name] = { options, latency: new Samples(), requests: 0, ok: 0, non2xx: 0, errors: 0, timeouts: 0, seconds: 0, statuses: {}, cpuSeconds: {} };
  }
  log(`case 1 ${title}: ${rounds} round${rounds > 1 ? "s" : ""} of ${slice} s per variant`);
  for (let r = 0; r < rounds; r++) {
    for (const [name, a] of Object.entries(acc)) {
      run.checkAbort();
      const before = cpuSnapshot(system.pids);
      const m = await run.inWindow(`case 1 ${title} ${name}`, () => cannon({ ...a.options, seconds: slice, latency: a.latency }));
      const cpu = cpuBetween(before, cpuSnapshot(system.pids));
      for (const key of ['requests', 'ok', 'non2xx', 'errors', 'timeouts', 'seconds']) a[key] += m[key];
      for (const [code, n] of Object.entries(m.statuses)) a.statuses[code] = (a.statuses[code] ?? 0) + n;
      for (const [group, pct] of Object.entries(cpu)) a.cpuSeconds[group] = (a.cpuSeconds[group] ?? 0) + (pct / 100) * m.seconds;
    }
  }
  const measured = {};
  for (const [name, a] of Object.entries(acc)) {
    const cpuPercent = Object.fromEntries(Object.entries(a.cpuSeconds).map(([group, sec]) => [group, Math.round((sec / a.seconds) * 100)]));
    const m = {
      requests: a.requests,
      ok: a.ok,
      non2xx: a.non2xx,
      statuses: a.statuses,
      errors: a.errors,
      timeouts: a.timeouts,
      seconds: round(a.seconds),
      rounds,
      rps: round(a.ok / a.seconds, 1),
      latencyMs: a.latency.summary(),
      cpuPercent,
      cpuMsPerRequest: perRequest(cpuPercent, a.seconds, a.ok),
    };
    measured[name] = m;
    log(`case 1 ${title} ${name}: ${m.rps} req/s, p50 ${m.latencyMs.p50} ms, p99 ${m.latencyMs.p99} ms${m.non2xx ? `, ${m.non2xx} non-2xx ${JSON.stringify(m.statuses)}` : ''}`);
  }
  return measured;
}
