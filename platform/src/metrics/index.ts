import type { NextFunction, Request, Response } from 'express';
import client from 'prom-client';

/** The registry every metric of the process is registered in. */
export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

export const httpRequestDuration = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by method, route template and status',
  labelNames: ['method', 'route', 'status_code'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const errorsTotal = new client.Counter({
  name: 'app_errors_total',
  help: 'Errors answered or handled, by code',
  labelNames: ['code'] as const,
  registers: [registry],
});

/** Records every request's duration once the response finishes, labelled by route template. */
export function httpMetricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  const end = httpRequestDuration.startTimer();
  res.on('finish', () => {
    // The template (`/users/:id`), never the raw path: raw ids would explode the label set.
    const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : req.baseUrl || 'unmatched';
    end({ method: req.method, route, status_code: res.statusCode });
  });
  next();
}

/** GET /metrics in the Prometheus text format. */
export async function metricsHandler(_req: Request, res: Response): Promise<void> {
  res.set('Content-Type', registry.contentType);
  res.send(await registry.metrics());
}

export { client as promClient };
