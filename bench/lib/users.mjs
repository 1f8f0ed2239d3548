// The customers of the run (set-up, not measured): registered and logged in through the gateway,
// each with a card that is always approved, so that every order request can be another user's.
import { expectStatus, http } from './http.mjs';
import { round } from './stats.mjs';

/** plan.users users, 8 at a time: { i, email, id, auth, cardId, orderBody } each. */
export async function createUsers(run, system) {
  const { plan, log, signal } = run;
  const gateway = system.gatewayUrl;
  log(`creating ${plan.users} users with a card each`);
  const setupStarted = performance.now();
  const expYear = new Date().getFullYear() + 3;
  const users = Array.from({ length: plan.users }, (_, i) => ({ i, email: `bench-${run.id}-${i}@example.com` }));
  // Every order buys one unit of a product of the sample catalog the stack seeds (server-priced).
  const { items: products } = await expectStatus('list products', http('GET', `${gateway}/api/products?limit=1`, { signal }), 200);
  if (!products?.length) throw new Error('the catalog is empty: the bench seeds it with the stack, so this is a bug');
  const productId = products[0].id;
  await eachLimited(run, users, 8, async (user) => {
    const password = 'benchmark password';
    const created = await expectStatus('register', http('POST', `${gateway}/api/users`, { body: { name: `Bench ${user.i}`, email: user.email, password }, signal }), 201);
    const login = await expectStatus('login', http('POST', `${gateway}/api/auth/login`, { body: { email: user.email, password }, signal }), 200);
    user.id = created.id;
    user.auth = `Bearer ${login.accessToken}`;
    const card = await expectStatus(
      'add card',
      http('POST', `${gateway}/api/payments/methods`, { headers: { authorization: user.auth }, body: { cardNumber: '4242 4242 4242 4242', expMonth: 12, expYear, holderName: `Bench ${user.i}` }, signal }),
      201,
    );
    user.cardId = card.id;
    user.orderBody = JSON.stringify({ items: [{ productId, quantity: 1 }], paymentMethodId: card.id });
  });
  run.result.run.setupSeconds = round((performance.now() - setupStarted) / 1000, 1);
  log(`users ready in ${run.result.run.setupSeconds} s`);
  return users;
}

/** Runs fn over items with `width` workers. */
async function eachLimited(run, items, width, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        run.checkAbort();
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}
