import type { GatewayConfig } from './config';

/**
 * A route anyone may call without a JWT. `identity: 'optional'` routes take one when it comes
 * (it must then be valid) and forward the verified user, so the service can show a signed-in
 * admin more; the others forward no identity at all, token or not.
 */
export interface PublicRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Full public path, e.g. /api/users; `:name` stands for one path segment (/api/products/:id). */
  path: string;
  identity?: 'none' | 'optional';
}

/** How the gateway treats a request's credentials: required, optional (verified when sent, then forwarded), or none. */
export type Authentication = 'required' | 'optional' | 'none';

/** One entry per upstream path prefix; adding a service is adding an entry. */
export interface UpstreamRoute {
  /** Public prefix, matched at a path-segment boundary; `/api` is stripped before proxying. */
  prefix: string;
  /** Name of the service behind it (logs, /ready, OpenAPI). */
  service: string;
  /** Base URLs of the service's replicas (one or more). */
  targets: readonly string[];
  publicRoutes: PublicRoute[];
}

/** The gateway's routing table, with targets taken from config. */
export function routingTable(config: GatewayConfig): UpstreamRoute[] {
  return [
    {
      prefix: '/api/users',
      service: 'user-service',
      targets: config.USER_SERVICE_URL,
      // Business rule: anyone may register.
      publicRoutes: [{ method: 'POST', path: '/api/users' }],
    },
    {
      prefix: '/api/auth',
      service: 'user-service',
      targets: config.USER_SERVICE_URL,
      // Business rule: signing in and refreshing need no access token (the refresh token is the credential).
      publicRoutes: [
        { method: 'POST', path: '/api/auth/login' },
        { method: 'POST', path: '/api/auth/refresh' },
      ],
    },
    { prefix: '/api/orders', service: 'order-service', targets: config.ORDER_SERVICE_URL, publicRoutes: [] },
    {
      prefix: '/api/products',
      service: 'catalog-service',
      targets: config.CATALOG_SERVICE_URL,
      // Business rule: anyone may browse the catalog; an admin who sends a token also sees retired products.
      publicRoutes: [
        { method: 'GET', path: '/api/products', identity: 'optional' },
        { method: 'GET', path: '/api/products/:id', identity: 'optional' },
      ],
    },
    { prefix: '/api/payments', service: 'payment-service', targets: config.PAYMENT_SERVICE_URL, publicRoutes: [] },
    {
      prefix: '/api/notifications',
      service: 'notification-service',
      targets: config.NOTIFICATION_SERVICE_URL,
      publicRoutes: [],
    },
  ];
}

/** A service behind the gateway, once, however many prefixes it serves. */
export interface UpstreamService {
  name: string;
  targets: readonly string[];
}

/** The distinct services of a routing table, in table order. */
export function upstreamServices(table: UpstreamRoute[]): UpstreamService[] {
  const byName = new Map<string, UpstreamService>();
  for (const route of table) if (!byName.has(route.service)) byName.set(route.service, { name: route.service, targets: route.targets });
  return [...byName.values()];
}

// Express matches paths case-insensitively and ignores a trailing slash; so do we.
const normalize = (path: string) => path.toLowerCase().replace(/\/+$/, '') || '/';

/**
 * What a request's method and path need of its credentials, from the table's public routes.
 * Built once (exact paths in a map, `:param` paths as patterns): the gateway asks for every
 * request it authenticates.
 */
export function authenticationFor(table: UpstreamRoute[]): (method: string, path: string) => Authentication {
  const exact = new Map<string, Authentication>();
  const patterns: Array<{ method: string; pattern: RegExp; authentication: Authentication }> = [];
  for (const route of table.flatMap((entry) => entry.publicRoutes)) {
    const authentication: Authentication = route.identity === 'optional' ? 'optional' : 'none';
    const path = normalize(route.path);
    if (!path.includes('/:')) exact.set(`${route.method} ${path}`, authentication);
    else patterns.push({ method: route.method, pattern: new RegExp(`^${path.replace(/:[^/]+/g, '[^/]+')}$`), authentication });
  }
  return (method, rawPath) => {
    const upper = method.toUpperCase();
    const path = normalize(rawPath);
    return exact.get(`${upper} ${path}`) ?? patterns.find((p) => p.method === upper && p.pattern.test(path))?.authentication ?? 'required';
  };
}

/** True when a public path is served by some entry of the table. */
export function isRouted(table: UpstreamRoute[], path: string): boolean {
  const wanted = normalize(path);
  return table.some((route) => {
    const prefix = normalize(route.prefix);
    return wanted === prefix || wanted.startsWith(`${prefix}/`);
  });
}
