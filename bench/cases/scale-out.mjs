// Case 5, scale-out (issue 18), on the run's own databases and broker:
// (a) order intake through a gateway in front of one order-service vs a second gateway in front
//     of that one and a second replica of it (same database, same queue);
// (b) what counting the rate limits in Redis costs the gateway per request: GET /api/users/me
//     through the run's gateway (limits in its memory) vs a gateway counting in Redis.
// The variants take turns in slices, as in case 1, so other load hits them alike.
import { createRequire } from 'node:module';
import { expectStatus, http } from '../lib/http.mjs';
import { cannon } from '../lib/load.mjs';
import { cpuBetween, cpuSnapshot } from '../lib/proc.mjs';
import { Samples, ratio, round } from '../lib/stats.mjs';

const require = createRequire(import.meta.url);
const stack = require('../../scripts/stack-lib.cjs');

/** Case 5's result: orders/s with 1 and 2 order-service replicas; /users/me req/s and gateway CPU with memory vs Redis limits. */
export async function measureScaleOut(run, system) {
  const { plan, log } = run;
  const extra = await startExtraProcesses(run, system);
  const pids = { ...system.pids, ...extra.pids };
  const rounds = Math.max(1, Math.min(5, Math.floor(plan.measureS / 2)));

  let keySeq = 0;
  let userSeq = 0;
  const orderRequest = (req) => {
    const user = system.users[userSeq++ % system.users.length];
    req.headers = { ...req.headers, authorization: user.auth, 'idempotency-key': `bench-${run.id}-scale-${keySeq++}` };
    req.body = user.orderBody;
    return req;
  };
  const order = (base) => ({ url: `${base}/api/orders`, method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: orderRequest });
  log(`case 5 order intake: 1 vs 2 order-service replicas, ${rounds} rounds`);
  const intake = await alternate(run, pids, rounds, {
    oneReplica: { options: order(system.gatewayUrl), gateway: 'api-gateway' },
    twoReplicas: { options: order(extra.urls.twoReplicaGateway), gateway: 'api-gateway#2-replicas' },
  });

  const me = system.users[0];
  const read = (base) => ({ url: `${base}/api/users/me`, headers: { authorization: me.auth } });
  await expectStatus('GET /api/users/me through the Redis-counting gateway', http('GET', `${extra.urls.redisGateway}/api/users/me`, { headers: { authorization: me.auth }, signal: run.signal }), 200);
  log(`case 5 rate-limit store: memory vs Redis, ${rounds} rounds`);
  const limiter = await alternate(run, pids, rounds, {
    memory: { options: read(system.gatewayUrl), gateway: 'api-gateway' },
    redis: { options: read(extra.urls.redisGateway), gateway: 'api-gateway#redis' },
  });

  return {
    connections: plan.connections,
    rounds,
    intake,
    limiter,
    ratios: {
      twoToOneReplica: ratio(intake.twoReplicas.rps, intake.oneReplica.rps),
      redisToMemory: ratio(limiter.redis.rps, limiter.memory.rps),
      redisToMemoryGatewayCpu: ratio(limiter.redis.cpuMsPerRequest?.gateway, limiter.memory.cpuMsPerRequest?.gateway),
    },
    notes: {
      intake: 'POST /api/orders as in case 2; oneReplica through the run\'s gateway (ORDER_SERVICE_URL = one order-service), twoReplicas through a second gateway whose ORDER_SERVICE_URL lists both; same databases, broker and other services; on 2 cores both compete for the same CPU',
      limiter: 'GET /api/users/me through the run\'s gateway (rate limits in memory) and through a gateway with REDIS_URL (both limits counted in the local Redis, its own key prefix); cpuMsPerRequest.gateway is that gateway\'s CPU',
    },
  };
}

/** Variants measured in turn, `rounds` slices each after one warm-up; req/s, latency and CPU per request over all slices. */
async function alternate(run, pids, rounds, variants) {
  const { plan } = run;
  for (const variant of Object.values(variants)) await cannon({ ...variant.options, connections: plan.connections, seconds: plan.warmupS });
  const totals = Object.fromEntries(Object.keys(variants).map((name) => [name, { ok: 0, seconds: 0, non2xx: 0, errors: 0, cpuMs: {}, latency: new Samples() }]));
  const slice = Math.max(1, plan.measureS / rounds);
  for (let r = 0; r < rounds; r++) {
    for (const [name, variant] of Object.entries(variants)) {
      run.checkAbort();
      const before = cpuSnapshot(pids);
      const result = await run.inWindow(`case 5 ${name}`, () => cannon({ ...variant.options, connections: plan.connections, seconds: slice, latency: totals[name].latency }));
      const cpu = cpuBetween(before, cpuSnapshot(pids));
      const total = totals[name];
      total.ok += result.ok;
      total.seconds += result.seconds;
      total.non2xx += result.non2xx;
      total.errors += result.errors;
      // CPU ms spent per process in this slice (percent of a core × seconds × 10).
      for (const [proc, percent] of Object.entries(cpu)) total.cpuMs[proc] = (total.cpuMs[proc] ?? 0) + percent * result.seconds * 10;
    }
  }
  return Object.fromEntries(
    Object.entries(totals).map(([name, t]) => {
      const gatewayMs = t.cpuMs[variants[name].gateway];
      const perRequestMs = Object.fromEntries(Object.entries(t.cpuMs).map(([proc, ms]) => [proc, t.ok ? round(ms / t.ok, 3) : null]));
      return [
        name,
        {
          ok: t.ok,
          rps: round(t.ok / t.seconds, 1),
          latencyMs: t.latency.summary(),
          non2xx: t.non2xx,
          errors: t.errors,
          cpuMsPerRequest: { ...perRequestMs, gateway: t.ok && gatewayMs !== undefined ? round(gatewayMs / t.ok, 3) : null },
        },
      ];
    }),
  );
}

/**
 * A second order-service (same environment and database, its own port), a gateway balancing
 * over both, and a gateway counting its rate limits in Redis; each registered for clean-up.
 */
async function startExtraProcesses(run, system) {
  const order = system.byName['order-service'];
  const gateway = system.byName['api-gateway'];
  const port = (k) => system.portOffset + 3010 + k;
  const secondOrder = { ...order, instance: 'order-service#2', port: port(1), env: { ...order.env, PORT: String(port(1)) } };
  const twoReplicaGateway = {
    ...gateway,
    instance: 'api-gateway#2-replicas',
    port: port(2),
    env: { ...gateway.env, PORT: String(port(2)), ORDER_SERVICE_URL: `${order.env.ORDER_SERVICE_URL},http://127.0.0.1:${port(1)}` },
  };
  const redisGateway = {
    ...gateway,
    instance: 'api-gateway#redis',
    port: port(3),
    env: { ...gateway.env, PORT: String(port(3)), REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', RATE_LIMIT_KEY_PREFIX: `bench:${run.id}:` },
  };
  run.owned.redisKeyPrefix = redisGateway.env.RATE_LIMIT_KEY_PREFIX;
  const pids = {};
  for (const service of [secondOrder, twoReplicaGateway, redisGateway]) {
    // name is the folder the process runs from; instance names this copy in logs and CPU figures.
    const child = stack.startService(service, run.onServiceLine);
    run.owned.children.push({ name: service.instance, child });
    // A process that cannot even be spawned emits 'error' (not 'exit'); unheard, it would end the run without its clean-up.
    child.once('error', (error) => run.stop(`${service.instance} could not be started: ${error.message}`));
    child.once('exit', (code, signal) => {
      if (!run.cleaning) run.stop(`${service.instance} exited unexpectedly (${code ?? signal})`);
    });
    await stack.waitReady(service, 30_000);
    pids[service.instance] = child.pid;
    run.log(`${service.instance} ready (pid ${child.pid}, port ${service.port})`);
  }
  return {
    pids,
    urls: { twoReplicaGateway: `http://127.0.0.1:${twoReplicaGateway.port}`, redisGateway: `http://127.0.0.1:${redisGateway.port}` },
  };
}
