// The printed report: one table per case, the targets with PASS/MISS, and where the JSON went.

const fmt = (value, digits = 1) => {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (typeof value !== 'number') return String(value);
  if (Number.isInteger(value)) return String(value);
  return value >= 1000 ? Math.round(value).toString() : value.toFixed(digits);
};

/** Lines of a table: first row is the header; numbers right-aligned. */
function table(rows, indent = '  ') {
  const widths = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, String(cell).length)));
  const numeric = (cell) => /^[-−]?[\d.]+%?$|^—$/.test(String(cell));
  return rows
    .map((row, r) =>
      indent +
      row
        .map((cell, i) => (r > 0 && numeric(cell) ? String(cell).padStart(widths[i]) : String(cell).padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const msOf = (m, ...names) => names.map((n) => (m?.cpuMsPerRequest?.[n] === undefined ? '—' : fmt(m.cpuMsPerRequest[n], 2))).join('/');
const cpuOf = (m, ...names) => names.map((n) => (m?.cpuPercent?.[n] === undefined ? '—' : `${m.cpuPercent[n]}`)).join('/');

export function renderReport(r, { outFile }) {
  const out = [];
  const run = r.run;
  const s = run.settings ?? {};
  out.push('');
  out.push(`Microshop benchmark — run ${run.id} (${run.mode}), ${run.startedAt}, ${run.seconds ?? '?'} s`);
  out.push(`node ${run.node}, ${run.cpus} CPUs${run.cpuModel ? ` (${run.cpuModel.trim()})` : ''}${run.postgres ? `, PostgreSQL ${run.postgres.version} (fsync ${run.postgres.fsync}, synchronous_commit ${run.postgres.synchronousCommit})` : ''}`);
  out.push(`Gateway rate limits raised for this run: RATE_LIMIT_MAX=LOGIN_RATE_LIMIT_MAX=1000000000 — the limiter still counts every request but never rejects, so it does not cap these figures.`);
  out.push(`Also set: PROCESSOR_LATENCY_MS=0, LOG_LEVEL=${s.serviceEnv?.LOG_LEVEL ?? '?'}, PASSWORD_SCRYPT_N=1024/P=1 (only register/login, which are set-up here); everything else at the services' defaults${Object.keys(s.inheritedFromEnvironment ?? {}).length ? `, except from your environment: ${Object.entries(s.inheritedFromEnvironment).map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}.`);
  if (run.backgroundCpuPercent !== undefined && run.backgroundCpuPercent !== null) {
    out.push(`Other load on the machine before the run: ${run.backgroundCpuPercent}% of one core${run.backgroundCpuPercent > 15 ? ' — NOISY: other processes compete for the same cores; compare ratios of this run, not absolute figures across runs' : ''}. "others" columns: CPU used by processes that are not part of the benchmark during each measured window.`);
  }
  if (s.profiled?.length) out.push(`PROFILED (node --cpu-prof, figures include profiler overhead): ${s.profiled.join(', ')} → ${s.profileDir}`);

  const c1 = r.cases.gatewayCost;
  if (c1) {
    out.push('');
    out.push(`1. Gateway cost — ${c1.connections} connections, ${c1.warmupS} s warm-up then ${c1.measureS} s measured per row${c1.rounds > 1 ? ` (in ${c1.rounds} rounds of ${c1.measureS / c1.rounds} s, the variants taking turns)` : ''}`);
    const rows = [['request', 'via', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'CPU ms/req proxy/user-svc/postgres', 'CPU % others']];
    const label = { direct: 'user-service directly', gateway: 'api-gateway (JWT)', nginx: 'nginx (keepalive, 1 worker)' };
    for (const [route, title] of [['usersMe', 'GET /users/me'], ['health', 'GET /health']]) {
      for (const via of ['direct', 'gateway', 'nginx']) {
        const m = c1.routes[route][via];
        const viaLabel = route === 'health' && via === 'gateway' ? 'api-gateway (answers itself)' : label[via];
        if (!m) continue;
        if (m.skipped) {
          rows.push([via === 'direct' ? title : '', viaLabel, '—', '—', '—', '—', `skipped: ${m.skipped}`, '']);
          continue;
        }
        const proxy = via === 'gateway' ? 'api-gateway' : via === 'nginx' ? 'nginx' : null;
        rows.push([
          via === 'direct' ? title : '',
          viaLabel,
          fmt(m.rps, 0),
          fmt(m.latencyMs.p50, 2),
          fmt(m.latencyMs.p99, 2),
          String(m.non2xx + m.errors),
          `${proxy ? msOf(m, proxy) : '—'}/${msOf(m, 'user-service', 'postgres')}`,
          cpuOf(m, 'others'),
        ]);
      }
    }
    out.push(table(rows));
    const ra = c1.ratios;
    out.push(`  ratios (req/s): GET /users/me gateway/direct ${fmt(ra.usersMe.gatewayToDirect, 2)}, gateway/nginx ${fmt(ra.usersMe.gatewayToNginx, 2)};  GET /health gateway/direct ${fmt(ra.health.gatewayToDirect, 2)}, gateway/nginx ${fmt(ra.health.gatewayToNginx, 2)}`);
    const j = c1.jwtVerifyMicroseconds;
    out.push(`  JWT verification in the bench process: ${fmt(j.firstSightUs)} µs/token on first sight (fast-jwt, synchronous HMAC), ${fmt(j.repeatUs)} µs for a token seen before (the gateway's cache), ${fmt(j.joseUs)} µs with jose (WebCrypto, ${j.inFlight} in flight) for comparison`);
    out.push('  /health: direct and nginx reach user-service; the gateway answers /health itself (no upstream hop), so its row is the gateway\'s framework floor, not proxy overhead.');
  }

  const c2 = r.cases.orderIntake;
  if (c2) {
    out.push('');
    out.push(`2. Order intake — ${c2.connections} connections, ${c2.warmupS} s warm-up then ${c2.measureS} s measured, ${c2.users} users (own token and card), new Idempotency-Key per request`);
    const o = c2.orders;
    const rows = [['what', 'per s', 'p50 ms', 'p99 ms', 'failed', 'CPU']];
    rows.push(['POST /api/orders via gateway (201s)', fmt(o.rps, 0), fmt(o.latencyMs.p50, 2), fmt(o.latencyMs.p99, 2), String(o.non2xx + o.errors), `ms/order gw ${msOf(o, 'api-gateway')}, order ${msOf(o, 'order-service')}, user ${msOf(o, 'user-service')}, catalog ${msOf(o, 'catalog-service')}, pay ${msOf(o, 'payment-service')}, notif ${msOf(o, 'notification-service')}, pg ${msOf(o, 'postgres')}, mq ${msOf(o, 'rabbitmq')}; others ${cpuOf(o, 'others')}%`]);
    if (c2.raw.pgbench?.tps) rows.push([`raw INSERT tx, pgbench -c ${c2.connections}`, fmt(c2.raw.pgbench.tps, 0), `avg ${fmt(c2.raw.pgbench.latencyAvgMs, 2)}`, '—', String(c2.raw.pgbench.failed), `postgres ${cpuOf(c2.raw.pgbench, 'postgres')}, pgbench ${cpuOf(c2.raw.pgbench, 'bench')}`]);
    else rows.push(['raw INSERT tx, pgbench', '—', '—', '—', '—', `skipped: ${c2.raw.pgbench?.skipped}`]);
    const n = c2.raw.nodePg;
    rows.push([`raw INSERT tx, node pg pool ${n.poolSize}`, fmt(n.tps, 0), fmt(n.latencyMs.p50, 2), fmt(n.latencyMs.p99, 2), String(n.errors), `postgres ${cpuOf(n, 'postgres')}, node ${cpuOf(n, 'bench')}`]);
    out.push(table(rows));
    out.push(`  ratio orders/raw ${fmt(c2.ordersToRaw, 3)} (raw = ${c2.rawUsed ?? 'none'}; vs node pg ${fmt(c2.ordersToRawNodePg, 3)}; ${c2.raw.freeConnections} PostgreSQL connections were free); ${c2.ordersCreatedIncludingWarmup} orders placed incl. warm-up; backlog (payments, mails) ${c2.backlogAfter.drained ? `drained ${c2.backlogAfter.seconds} s after` : `NOT drained after ${c2.backlogAfter.seconds} s: ${JSON.stringify(c2.backlogAfter.left)}`}`);
  }

  const c3 = r.cases.orderToPaid;
  if (c3) {
    out.push('');
    out.push(`3. Order to PAID — ${c3.rate} orders/s${c3.basedOnIntakeRps ? ` (half of ${fmt(c3.basedOnIntakeRps, 0)})` : ''} for ${c3.seconds} s, open loop (paced, not closed-loop)`);
    const l = c3.postResponseToPaidMs;
    const d = c3.dbCreatedToUpdatedMs;
    const p = c3.postResponseMs;
    const rows = [['measure', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms']];
    rows.push(['POST 201 response → order.paid at a consumer', String(l.count), fmt(l.p50), fmt(l.p95), fmt(l.p99), fmt(l.max)]);
    if (d) rows.push(['DB view: orders.created_at → updated_at', String(c3.paid), fmt(d.p50), fmt(d.p95), fmt(d.p99), fmt(d.max)]);
    rows.push(['POST /api/orders response time', String(p.count), fmt(p.p50), fmt(p.p95), fmt(p.p99), fmt(p.max)]);
    out.push(table(rows));
    if (c3.cpuMsPerOrder) {
      const m = { cpuMsPerRequest: c3.cpuMsPerOrder };
      out.push(`  CPU per order over the whole pipeline (sending + settle window), ms: gw ${msOf(m, 'api-gateway')}, order ${msOf(m, 'order-service')}, user ${msOf(m, 'user-service')}, catalog ${msOf(m, 'catalog-service')}, pay ${msOf(m, 'payment-service')}, notif ${msOf(m, 'notification-service')}, postgres ${msOf(m, 'postgres')}, rabbitmq ${msOf(m, 'rabbitmq')}, smtp sink ${msOf(m, 'smtp-sink')}; others on the machine ${c3.cpuPercent?.others ?? '—'}%`);
    }
    out.push(`  sent ${c3.sent}, accepted (201) ${c3.accepted}${Object.keys(c3.statuses).some((k) => k !== '201') ? ` ${JSON.stringify(c3.statuses)}` : ''}, PAID ${c3.paid}, payment failed ${c3.paymentFailed}, left PENDING ${c3.leftPending} (DB, after ${c3.settleSeconds} s settle, limit ${c3.settleLimitS} s)${c3.unsettledAtConsumer ? `, ${c3.unsettledAtConsumer} not seen settled` : ''}${c3.errors ? `, ${c3.errors} request errors` : ''}${c3.skippedInFlightCap ? `, ${c3.skippedInFlightCap} not sent (in-flight cap)` : ''}`);
  }

  const c4 = r.cases.footprint;
  if (c4) {
    out.push('');
    out.push('4. Footprint — each service started alone (databases migrated beforehand)');
    const rows = [['service', 'start → /ready ms', 'idle RSS MB', 'idle CPU %', 'RSS in case 2 MB', 'peak RSS MB', 'CPU % in case 2']];
    for (const [name, sv] of Object.entries(c4.services)) rows.push([name, fmt(sv.readyMs, 0), fmt(sv.idleRssMb), fmt(sv.idleCpuPercent, 0), fmt(sv.loadRssMb), fmt(sv.peakRssMb), fmt(sv.cpuPercentDuringCase2, 0)]);
    out.push(table(rows));
  }

  const c5 = r.cases.scaleOut;
  if (c5) {
    out.push('');
    out.push(`5. Scale-out — ${c5.connections} connections, variants alternated in ${c5.rounds} rounds`);
    const rows = [['what', 'per s', 'p50 ms', 'p99 ms', 'failed', 'CPU ms per request']];
    const cpu = (v, ...names) => names.map((n) => `${n} ${fmt(v.cpuMsPerRequest?.[n])}`).join(', ');
    rows.push(['POST /api/orders, 1 order-service', fmt(c5.intake.oneReplica.rps, 0), fmt(c5.intake.oneReplica.latencyMs.p50), fmt(c5.intake.oneReplica.latencyMs.p99), String(c5.intake.oneReplica.non2xx + c5.intake.oneReplica.errors), cpu(c5.intake.oneReplica, 'order-service', 'postgres')]);
    rows.push(['POST /api/orders, 2 order-service', fmt(c5.intake.twoReplicas.rps, 0), fmt(c5.intake.twoReplicas.latencyMs.p50), fmt(c5.intake.twoReplicas.latencyMs.p99), String(c5.intake.twoReplicas.non2xx + c5.intake.twoReplicas.errors), cpu(c5.intake.twoReplicas, 'order-service', 'order-service#2', 'postgres')]);
    rows.push(['GET /api/users/me, limits in memory', fmt(c5.limiter.memory.rps, 0), fmt(c5.limiter.memory.latencyMs.p50), fmt(c5.limiter.memory.latencyMs.p99), String(c5.limiter.memory.non2xx + c5.limiter.memory.errors), cpu(c5.limiter.memory, 'gateway')]);
    rows.push(['GET /api/users/me, limits in Redis', fmt(c5.limiter.redis.rps, 0), fmt(c5.limiter.redis.latencyMs.p50), fmt(c5.limiter.redis.latencyMs.p99), String(c5.limiter.redis.non2xx + c5.limiter.redis.errors), cpu(c5.limiter.redis, 'gateway')]);
    out.push(table(rows));
    out.push(`  ratios: 2 replicas / 1 = ${fmt(c5.ratios.twoToOneReplica)}; Redis / memory req/s = ${fmt(c5.ratios.redisToMemory)}, gateway CPU per request = ${fmt(c5.ratios.redisToMemoryGatewayCpu)}`);
  }

  out.push('');
  out.push('Targets');
  if (r.targets.length) {
    const rows = [['', 'figure', 'value', 'target']];
    for (const t of r.targets) rows.push([t.pass === null ? 'N/A ' : t.pass ? 'PASS' : 'MISS', t.label, fmt(t.value, typeof t.value !== 'number' ? 0 : t.value < 0.1 ? 3 : t.value < 10 ? 2 : 0), t.target]);
    out.push(table(rows));
  } else out.push('  none measured');

  const noisy = Object.entries(run.serviceLogs ?? {}).filter(([, l]) => l.errors || l.warnings);
  if (noisy.length) out.push(`\nService log lines at error/warn level during the run (details in the services' logs; the JSON counts them): ${noisy.map(([n, l]) => `${n} ${l.errors} error, ${l.warnings} warn`).join('; ')}`);
  out.push('');
  const c = r.cleanup ?? {};
  const left = c.leftovers ?? {};
  const leftCount = (left.databases?.length ?? 0) + (left.queues?.length ?? 0) + (left.processes?.length ?? 0);
  out.push(`Clean-up: ${c.services ?? 0} services stopped${c.nginx ? ', nginx stopped' : ''}, smtp sink stopped, ${c.databases?.length ?? 0} databases dropped, exchange ${c.exchange ?? '—'} and ${c.queues?.length ?? 0} queues deleted; left behind: ${leftCount === 0 && !c.errors ? 'nothing' : JSON.stringify({ ...left, errors: c.errors })}`);
  if (r.error) out.push(`ERROR: ${r.error.split('\n')[0]}`);
  out.push(`JSON: ${outFile}`);
  out.push('');
  return out.join('\n');
}
