// Single requests of the set-up and of the checks before a measurement (never the load itself).

/** One JSON request; resolves with { status, json, text }. `signal` (the run's) also ends it. */
export async function http(method, url, { headers = {}, body, timeoutMs = 10_000, signal } = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: signal ? AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]) : AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** The JSON body of an answer that must have `status`; throws with what came instead. */
export async function expectStatus(what, promise, status) {
  const res = await promise;
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${res.text.slice(0, 300)}`);
  return res.json;
}
