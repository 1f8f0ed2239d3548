import { PASSWORD, type Actor } from './security-actors';
import type { Exchange, Failure } from './security-client';
import { describeExchange, secretsIn } from './security-leaks';
import { startSecuritySystem, type SecuritySystem } from './security-system';

// What the security-*.e2e.test.ts files share. They send hostile input through the real gateway,
// by OWASP API Security Top 10 (2023) category; each starts one system of its own (its own
// gateway, so its own rate-limit budgets) and ends with describeWhatAnswersGiveAway(), which
// audits every exchange the file had with that system.

export const GOOD_CARD = '4242 4242 4242 4242';
// The simulated processor fails this card's first two attempts (retries after 200 and 400 ms),
// so its order stays PENDING for about 0.6 s: long enough to try cancelling it.
export const SLOW_CARD = '4000 0000 0000 0119';

/** The running system and the users every file acts as. */
export interface SecurityCast {
  sys: SecuritySystem;
  alice: Actor;
  mallory: Actor;
  admin: Actor;
}

/**
 * Starts the system and registers alice and mallory, who sign in through POST /auth/login (two
 * of the ten logins a minute 127.0.0.1 gets), and an admin, whose token is minted.
 */
export async function startSecurityCast(): Promise<SecurityCast> {
  const sys = await startSecuritySystem();
  sys.secrets.passwords.push(PASSWORD);
  sys.secrets.cardNumbers.push(GOOD_CARD, SLOW_CARD);
  return {
    sys,
    alice: await sys.shop.signUp('Alice'),
    mallory: await sys.shop.signUp('Mallory'),
    admin: await sys.shop.newCustomer('Admin', 'admin'),
  };
}

/** The items of a list answer. */
export const itemsOf = <T = { id: string }>(e: Exchange) => (e.json as { items: T[] }).items;

/** How often one process answered one route with one status, from its http_request_duration_seconds counts. */
interface Served {
  service: string;
  method: string;
  route: string;
  status: number;
  count: number;
}

/** Every answer a process has given since it started, as its /metrics counts them (read with fetch, so not recorded). */
async function servedBy(service: string, port: number): Promise<Served[]> {
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return [...metrics.matchAll(/^http_request_duration_seconds_count\{([^}]*)\} (\d+)/gm)].map(([, labels, count]) => {
    const label = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(labels!)?.[1] ?? '?';
    return { service, method: label('method'), route: label('route'), status: Number(label('status_code')), count: Number(count) };
  });
}

const describeFailure = (f: Failure) => `${f.method} ${f.path}: ${f.error}`;
const describeServed = (s: Served) => `${s.service} answered ${s.method} ${s.route} with ${s.status} ${s.count}×`;
const SERVICES = ['user-service', 'catalog-service', 'order-service', 'payment-service', 'notification-service'];

/**
 * The audit of everything the file sent to its system: no 5xx and no request without an answer,
 * as the client recorded them (raw sockets included) and as every process counted its own
 * answers (which also covers requests the client gave up on and the services' calls to each
 * other); and nothing given away. Call it last in the file: the audit counts on seeing the
 * whole file's traffic, fails when there is less than `minExchanges` of it (the file did not
 * run in full), and after the file fails if any exchange came after it.
 */
export function describeWhatAnswersGiveAway(system: () => SecuritySystem, options: { minExchanges: number; minRawExchanges?: number }): void {
  let audited: number | undefined;

  describe('What answers give away', () => {
    test('When the suite is over, then no answer was a 5xx and every request got one, as the client and every process counted them', async () => {
      const sys = system();
      const exchanges = sys.exchanges();
      const served = (await Promise.all(sys.system.services.map((s) => servedBy(s.name, s.port)))).flat();
      const countedBy = (service: string, routes: (route: string) => boolean = () => true) =>
        served.filter((s) => s.service === service && routes(s.route)).reduce((sum, s) => sum + s.count, 0);
      // A JSON answer from the gateway's port was written by its Express app, which counts what it answers.
      const fromGatewayApp = sys.gateway.exchanges.filter((e) => !e.raw && e.json !== undefined).length;

      // Not vacuous: the whole file's traffic is recorded, and each process's counts cover it.
      expect(exchanges.length).toBeGreaterThanOrEqual(options.minExchanges);
      expect(exchanges.filter((e) => e.raw).length).toBeGreaterThanOrEqual(options.minRawExchanges ?? 0);
      expect(countedBy('api-gateway')).toBeGreaterThanOrEqual(fromGatewayApp);
      for (const service of SERVICES) expect([service, countedBy(service, (route) => !['/health', '/ready', '/metrics'].includes(route)) > 0]).toEqual([service, true]);
      // What the client saw.
      expect(sys.failures().map(describeFailure)).toEqual([]);
      expect(exchanges.filter((e) => e.status >= 500).map(describeExchange)).toEqual([]);
      // What every process answered, whoever asked.
      expect(served.filter((s) => s.status >= 500).map(describeServed)).toEqual([]);
      expect(sys.system.unexpectedExits).toEqual([]);
    });

    test('When the suite is over, then no answer carried a secret, a password or its hash, a token or a card number', () => {
      const sys = system();
      const exchanges = sys.exchanges();
      const leaks = exchanges.flatMap((e) => secretsIn(e, sys.secrets).map((what) => `${what} in ${describeExchange(e)}`));

      expect(exchanges.length).toBeGreaterThanOrEqual(options.minExchanges);
      expect(leaks).toEqual([]);
      audited = exchanges.length;
    });
  });

  afterAll(() => {
    const unaudited = audited === undefined ? 0 : system().exchanges().length - audited;
    if (unaudited > 0) throw new Error(`${unaudited} exchange(s) came after the audit and were never checked: call describeWhatAnswersGiveAway() last in the file`);
  });
}
