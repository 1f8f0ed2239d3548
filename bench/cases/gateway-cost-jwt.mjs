// Case 1's JWT line: the gateway's one extra step on GET /users/me, its token check, timed in the
// bench process the way the gateway does it, with jose (which it used before) for comparison.
import { createSecretKey } from 'node:crypto';
import { createRequire } from 'node:module';
import { round } from '../lib/stats.mjs';

const require = createRequire(import.meta.url);

/** µs per verification of `token`: on first sight, seen before (cached), and with jose. */
export async function timeJwtVerification(run, { token, secret }) {
  const { plan } = run;
  // Required here, not at load: the checkout is checked for the build before anything runs.
  const { createAccessTokenVerifier, verifyAccessToken } = require('../../platform/dist/auth/index.js');
  const jose = require('jose');
  // µs per token with `width` verifications in flight, as under load (jose's WebCrypto calls are async).
  const timeIt = async (fn, width = plan.connections) => {
    const batch = () => Promise.all(Array.from({ length: width }, fn));
    for (let i = 0; i < 200 / width; i++) await batch();
    const rounds = Math.ceil(plan.jwtIterations / width);
    const started = performance.now();
    for (let i = 0; i < rounds; i++) await batch();
    return round(((performance.now() - started) * 1000) / (rounds * width), 1);
  };
  const mustVerify = (verified) => {
    if (!verified.ok) throw new Error('bench token does not verify');
  };
  const gatewayVerifier = createAccessTokenVerifier(secret);
  const keyObject = createSecretKey(Buffer.from(secret));
  return {
    // A verifier built and a token checked on every call: a token the gateway sees for the first time.
    firstSightUs: await timeIt(async () => mustVerify(verifyAccessToken(token, secret))),
    // The gateway's verifier, built once, on a token it has verified before (its cache).
    repeatUs: await timeIt(async () => mustVerify(gatewayVerifier(token))),
    // For comparison: jose (WebCrypto, asynchronous), which the gateway used before.
    joseUs: await timeIt(() => jose.jwtVerify(token, keyObject, { algorithms: ['HS256'], issuer: 'microshop/user-service', audience: 'microshop' })),
    inFlight: plan.connections,
    iterations: plan.jwtIterations,
  };
}
