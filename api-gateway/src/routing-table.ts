import type { GatewayConfig } from './config';

/** A route anyone may call: no JWT is required and no identity is forwarded. */
export interface PublicRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Full public path, e.g. /api/users. */
  path: string;
}

/** One entry per upstream path prefix; adding a service is adding an entry. */
export interface UpstreamRoute {
  /** Public prefix, matched at a path-segment boundary; `/api` is stripped before proxying. */
  prefix: string;
  /** Name of the service behind it (logs, /ready, OpenAPI). */
  service: string;
  /** Base URL of the service. */
  target: string;
  publicRoutes: PublicRoute[];
}

/** The gateway's routing table, with targets taken from config. */
export function routingTable(config: GatewayConfig): UpstreamRoute[] {
  return [
    {
      prefix: '/api/users',
      service: 'user-service',
      target: config.USER_SERVICE_URL,
      // Business rule: anyone may register.
      publicRoutes: [{ method: 'POST', path: '/api/users' }],
    },
    {
      prefix: '/api/auth',
      service: 'user-service',
      target: config.USER_SERVICE_URL,
      publicRoutes: [{ method: 'POST', path: '/api/auth/login' }],
    },
    { prefix: '/api/orders', service: 'order-service', target: config.ORDER_SERVICE_URL, publicRoutes: [] },
    { prefix: '/api/payments', service: 'payment-service', target: config.PAYMENT_SERVICE_URL, publicRoutes: [] },
    {
      prefix: '/api/notifications',
      service: 'notification-service',
      target: config.NOTIFICATION_SERVICE_URL,
      publicRoutes: [],
    },
  ];
}

/** A service behind the gateway, once, however many prefixes it serves. */
export interface UpstreamService {
  name: string;
  target: string;
}

/** The distinct services of a routing table, in table order. */
export function upstreamServices(table: UpstreamRoute[]): UpstreamService[] {
  const byName = new Map<string, UpstreamService>();
  for (const route of table) if (!byName.has(route.service)) byName.set(route.service, { name: route.service, target: route.target });
  return [...byName.values()];
}

// Express matches paths case-insensitively and ignores a trailing slash; so do we.
const normalize = (path: string) => path.toLowerCase().replace(/\/+$/, '') || '/';

/**
 * A test of whether method and path name one of the table's public routes. The set is built
 * once: the gateway asks for every request it authenticates.
 */
export function publicRouteMatcher(table: UpstreamRoute[]): (method: string, path: string) => boolean {
  const open = new Set(table.flatMap((route) => route.publicRoutes.map((r) => `${r.method} ${normalize(r.path)}`)));
  return (method, path) => open.has(`${method.toUpperCase()} ${normalize(path)}`);
}

/** True when a public path is served by some entry of the table. */
export function isRouted(table: UpstreamRoute[], path: string): boolean {
  const wanted = normalize(path);
  return table.some((route) => {
    const prefix = normalize(route.prefix);
    return wanted === prefix || wanted.startsWith(`${prefix}/`);
  });
}
