/**
 * Spreads a Retry-After over [base, 2 × base] whole seconds (base at least 1), so clients
 * refused in the same moment do not all come back in the same second (a retry herd on a
 * dependency that is just recovering). Never earlier than `baseSeconds`: that is when the
 * server expects to answer again. `random` is a parameter so tests can pin it; default Math.random.
 */
export function jitteredRetryAfterSeconds(baseSeconds: number, random: () => number = Math.random): number {
  const base = Math.max(1, Math.ceil(baseSeconds));
  // base + 0..base, each of the base + 1 whole values equally likely.
  return base + Math.min(base, Math.floor(random() * (base + 1)));
}
