import { randomBytes } from 'node:crypto';
import { Shop } from './security-actors';
import { HttpClient } from './security-client';
import type { Secrets } from './security-leaks';
import { startSystem, type RunningSystem } from './system';

export type ServiceName = 'user-service' | 'catalog-service' | 'order-service' | 'payment-service' | 'notification-service';

// Ports as scripts/stack-lib.cjs lays them out, shifted by the same offset as the gateway's 3000.
const BASE_PORTS: Record<ServiceName, number> = {
  'user-service': 3001,
  'order-service': 3002,
  'payment-service': 3003,
  'notification-service': 3004,
  'catalog-service': 3005,
};

/** The running system, a recording client of its gateway, and the secrets the suite knows. */
export interface SecuritySystem {
  system: RunningSystem;
  /** Client of the gateway's origin (paths start with /api). */
  gateway: HttpClient;
  shop: Shop;
  secrets: Secrets;
  /** A client straight to one service's port, past the gateway, recording into the same list. */
  direct: (service: ServiceName) => HttpClient;
  /** Every exchange of the suite, gateway and direct, raw sockets included. */
  exchanges: () => HttpClient['exchanges'];
  /** Every request of the suite that got no answer at all. */
  failures: () => HttpClient['failures'];
}

/**
 * startSystem() with secrets the suite chose: stack-lib takes JWT_SECRET, GATEWAY_TOKEN and SERVICE_TOKEN from
 * the environment when set, so the suite can mint tokens as user-service does (expired, tampered,
 * admin) and check no answer ever carries either secret. `env` is added to every service's environment.
 */
export async function startSecuritySystem(env: Record<string, string> = {}): Promise<SecuritySystem> {
  const jwtSecret = randomBytes(32).toString('hex');
  const gatewayToken = randomBytes(32).toString('hex');
  const serviceToken = randomBytes(32).toString('hex');
  const saved = { JWT_SECRET: process.env.JWT_SECRET, GATEWAY_TOKEN: process.env.GATEWAY_TOKEN, SERVICE_TOKEN: process.env.SERVICE_TOKEN };
  process.env.JWT_SECRET = jwtSecret;
  process.env.GATEWAY_TOKEN = gatewayToken;
  process.env.SERVICE_TOKEN = serviceToken;
  let system: RunningSystem;
  try {
    system = await startSystem({ env });
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  const gateway = HttpClient.of(system.gateway);
  const offset = gateway.port - 3000;
  const directClients = new Map<ServiceName, HttpClient>();
  const direct = (service: ServiceName) => {
    let client = directClients.get(service);
    if (!client) directClients.set(service, (client = new HttpClient('127.0.0.1', BASE_PORTS[service] + offset)));
    return client;
  };
  return {
    system,
    gateway,
    shop: new Shop(gateway, jwtSecret),
    secrets: { gatewayToken, serviceToken, jwtSecret, passwords: [], cardNumbers: [] },
    direct,
    exchanges: () => [...gateway.exchanges, ...[...directClients.values()].flatMap((c) => c.exchanges)],
    failures: () => [...gateway.failures, ...[...directClients.values()].flatMap((c) => c.failures)],
  };
}
