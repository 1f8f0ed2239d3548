import type { Agent } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { getLogger } from '@shop/platform/logging';
import type { OpenApiDocument } from '@shop/platform/openapi';
import { GATEWAY_OPENAPI_PATHS } from './gateway-openapi-paths';
import { isOpenApiDocument, mergeOpenApiDocuments, type ServiceDocument } from './openapi-merge';
import type { Authentication } from './routing-table';
import { getJsonFromUpstream, upstreamUrl } from './upstream-client';
import type { UpstreamPool } from './upstream-pool';

type UpstreamService = Pick<UpstreamPool, 'name' | 'pick'>;

const log = getLogger('openapi');

export interface OpenApiAggregatorOptions {
  services: UpstreamService[];
  agent: Agent;
  isRouted: (publicPath: string) => boolean;
  /** What a public path's method needs of credentials: its operations then document the gateway's 401. */
  authenticationFor: (method: string, publicPath: string) => Authentication;
  /** Longest one service's document may take, in ms. Default 2000. */
  fetchTimeoutMs?: number;
  /** How long a fetched document is reused, in ms. Default 30000. */
  cacheMs?: number;
}

type Cached = { document: OpenApiDocument; expiresAt: number };

/**
 * GET /api/openapi.json: every service's /openapi.json merged under /api. A service that
 * cannot be reached leaves its paths out and its name in x-unavailable-services, but the
 * answer is still 200. Documents are cached per service; failures are not, so a service
 * that comes back appears on the next request.
 */
export function openApiHandler(options: OpenApiAggregatorOptions): RequestHandler {
  const fetchTimeoutMs = options.fetchTimeoutMs ?? 2000;
  const cacheMs = options.cacheMs ?? 30_000;
  const cache = new Map<string, Cached>();
  const inFlight = new Map<string, Promise<OpenApiDocument>>();

  const fetchDocument = async (service: UpstreamService): Promise<OpenApiDocument> => {
    const body = await getJsonFromUpstream(upstreamUrl(service.pick()!, '/openapi.json'), {
      agent: options.agent,
      timeoutMs: fetchTimeoutMs,
    });
    if (!isOpenApiDocument(body)) throw new Error('not an OpenAPI document');
    cache.set(service.name, { document: body, expiresAt: Date.now() + cacheMs });
    return body;
  };

  const documentOf = (service: UpstreamService): Promise<OpenApiDocument> => {
    const cached = cache.get(service.name);
    if (cached && cached.expiresAt > Date.now()) return Promise.resolve(cached.document);
    // Concurrent requests share one fetch per service.
    let pending = inFlight.get(service.name);
    if (!pending) {
      pending = fetchDocument(service).finally(() => inFlight.delete(service.name));
      inFlight.set(service.name, pending);
    }
    return pending;
  };

  return async (_req: Request, res: Response) => {
    const results = await Promise.allSettled(options.services.map(documentOf));
    const documents: ServiceDocument[] = [];
    const unavailable: string[] = [];
    results.forEach((result, index) => {
      const service = options.services[index]!;
      if (result.status === 'fulfilled') documents.push({ service: service.name, document: result.value });
      else {
        unavailable.push(service.name);
        log.warn('OpenAPI document unavailable', { service: service.name, error: result.reason });
      }
    });
    res.json(
      mergeOpenApiDocuments({
        title: 'Microshop API',
        ownPaths: GATEWAY_OPENAPI_PATHS,
        documents,
        unavailable,
        isRouted: options.isRouted,
        authenticationFor: options.authenticationFor,
      }),
    );
  };
}
