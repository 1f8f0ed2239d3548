// Load generation: autocannon for closed-loop throughput (fixed connections, as fast as answered),
// and a paced open loop for a fixed arrival rate (case 3).
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { Samples, round } from './stats.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

/** The autocannon run in progress, so that an abort can stop it. */
let current;
export function stopLoad() {
  current?.stop();
}

/**
 * One autocannon run. Latencies of 2xx answers are kept whole (exact sub-ms percentiles);
 * rps counts 2xx answers only. `onSample` is called about every 500 ms while it runs; `latency`
 * (a Samples) collects across several runs when given.
 */
export function cannon({ url, connections, seconds, method = 'GET', headers = {}, body, setupRequest, onSample, latency = new Samples() }) {
  return new Promise((resolve, reject) => {
    const statuses = {};
    const options = {
      url,
      connections,
      duration: seconds,
      method,
      headers,
      timeout: 10,
      ...(body !== undefined ? { body } : {}),
      ...(setupRequest ? { requests: [{ setupRequest }] } : {}),
    };
    const started = performance.now();
    const sampler = onSample ? setInterval(onSample, 500) : undefined;
    const instance = autocannon(options, (error, result) => {
      clearInterval(sampler);
      current = undefined;
      if (error) return reject(error);
      const elapsed = (performance.now() - started) / 1000;
      const ok = result['2xx'];
      resolve({
        requests: result.totalCompletedRequests,
        ok,
        non2xx: result.non2xx,
        statuses,
        errors: result.errors,
        timeouts: result.timeouts,
        seconds: round(result.duration || elapsed),
        rps: round(ok / (result.duration || elapsed), 1),
        latencyMs: latency.summary(),
      });
    });
    current = instance;
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) latency.push(responseTime);
    });
  });
}

/**
 * Sends `count` requests at a fixed rate (open loop: the next leaves on schedule whether or not
 * earlier ones were answered), at most maxInFlight at once; `build(i)` gives { path, headers, body }
 * and `onAnswer(i, status, body, answeredAt)` gets each answer. Resolves when all are answered.
 */
export async function paced({ host, port, rate, count, maxInFlight = 512, build, onAnswer, signal, timeoutMs = 10_000 }) {
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight, maxFreeSockets: maxInFlight, scheduling: 'lifo' });
  const stats = { sent: 0, answered: 0, errors: 0, skippedInFlightCap: 0, lateMsMax: 0 };
  const latency = new Samples();
  const intervalMs = 1000 / rate;
  const started = performance.now();
  let inFlight = 0;
  await new Promise((resolve) => {
    let next = 0;
    const done = () => {
      if (next >= count && inFlight === 0) {
        clearInterval(timer);
        resolve();
      }
    };
    const send = (i) => {
      const { path, method = 'POST', headers, body } = build(i);
      const sentAt = performance.now();
      inFlight += 1;
      stats.sent += 1;
      let settled = false;
      const settle = (status, text) => {
        if (settled) return;
        settled = true;
        inFlight -= 1;
        if (status === undefined) stats.errors += 1;
        else {
          const answeredAt = performance.now();
          stats.answered += 1;
          latency.push(answeredAt - sentAt);
          onAnswer(i, status, text, answeredAt);
        }
        done();
      };
      const req = request({ host, port, path, method, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, agent, timeout: timeoutMs }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => settle(res.statusCode, Buffer.concat(chunks).toString('utf8')));
        res.on('error', () => settle());
        res.on('aborted', () => settle());
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', () => settle());
      req.end(body);
    };
    const timer = setInterval(() => {
      const now = performance.now();
      if (signal?.aborted) next = count;
      while (next < count && started + next * intervalMs <= now) {
        stats.lateMsMax = Math.max(stats.lateMsMax, now - (started + next * intervalMs));
        if (inFlight >= maxInFlight) stats.skippedInFlightCap += 1;
        else send(next);
        next += 1;
      }
      done();
    }, Math.max(1, Math.min(5, intervalMs / 2)));
  });
  agent.destroy();
  stats.seconds = round((performance.now() - started) / 1000);
  stats.lateMsMax = round(stats.lateMsMax);
  stats.responseMs = latency.summary();
  return stats;
}
