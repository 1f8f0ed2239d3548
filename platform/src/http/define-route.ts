import type { OpenAPIRegistry, ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../errors';
import { errorBody } from '../openapi';
import { callerOf, type Caller, type CallerCredentials } from './caller';

/**
 * Who may call a route: anyone; a user or a service; a user only. The gateway decides which
 * routes need a JWT; services decide what each caller may see (admins included).
 */
export type Access = 'public' | 'caller' | 'user';

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a route handler returns; the factory sends it as JSON. */
export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteDefinition<B, Q, P, A extends Access, H = undefined> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path, `/users/:id`; documented as `/users/{id}`. */
  path: string;
  summary: string;
  tags?: string[];
  access: A;
  body?: B;
  query?: Q;
  params?: P;
  /** Request headers the route reads (lower-case names), e.g. idempotency-key. */
  headers?: H;
  /** Documented responses: status → description and optional body schema. */
  responses: Record<number, { description: string; schema?: Schema }>;
  handler: (input: {
    body: Out<B>;
    query: Out<Q>;
    params: Out<P>;
    headers: Out<H>;
    caller: A extends 'public' ? Caller | undefined : A extends 'user' ? Extract<Caller, { kind: 'user' }> : Caller;
    req: Request;
  }) => Promise<RouteResult>;
}

/** Context the routes of one service share: its router, its OpenAPI registry, how it knows its callers. */
export interface RouteContext {
  router: Router;
  registry: OpenAPIRegistry;
  credentials: CallerCredentials;
}

type DocumentedResponses = Record<string, ResponseConfig>;

const RETRY_AFTER: ResponseConfig['headers'] = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } } };

/**
 * The answers any route may give besides its own, from what the platform does for every route:
 * input validation and the body parser (400), access (401, 403), the body parser's limits (413, 415; any method but
 * GET may carry a body), a bug (500), a dependency down (503 with Retry-After). A route's own
 * description of one of these wins; every error answer has the Error body.
 */
function platformResponses(def: Pick<RouteDefinition<unknown, unknown, unknown, Access, unknown>, 'method' | 'access' | 'body' | 'query' | 'params' | 'headers'>): DocumentedResponses {
  const error = (description: string, headers?: ResponseConfig['headers']): ResponseConfig => ({
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: errorBody } },
  });
  const takesInput = def.body || def.query || def.params || def.headers || def.method !== 'get';
  return {
    ...(takesInput ? { 400: error('Invalid input (details.fields names each field), or a body that is not JSON') } : {}),
    ...(def.access !== 'public' ? { 401: error('Missing or invalid credentials') } : {}),
    ...(def.access === 'user' ? { 403: error('The caller is not a signed-in user (a service)') } : {}),
    ...(def.method !== 'get'
      ? {
          413: error("Request body larger than the service accepts (createApp's bodyLimit, 100 kB by default): payload-too-large"),
          415: error('Request body in a charset or content coding the service cannot read'),
        }
      : {}),
    500: error('Internal error; the body carries no internals'),
    503: error('A dependency (database, another service) is unavailable; retry later', RETRY_AFTER),
  };
}

/**
 * Mounts one route and documents it from the same zod schemas, so the OpenAPI document cannot
 * drift from what the code accepts. Input that fails a schema becomes a 400 via the error handler.
 */
export function defineRoute<
  B extends Schema | undefined,
  Q extends Schema | undefined,
  P extends Schema | undefined,
  A extends Access,
  H extends Schema | undefined = undefined,
>(ctx: RouteContext, def: RouteDefinition<B, Q, P, A, H>): void {
  const responses = platformResponses(def);
  for (const [status, response] of Object.entries(def.responses)) {
    // Every error answer goes through the error handler, so its body is an Error unless the route says otherwise.
    const schema = response.schema ?? (Number(status) >= 400 ? errorBody : undefined);
    responses[status] = {
      ...responses[status],
      description: response.description,
      ...(schema ? { content: { 'application/json': { schema } } } : {}),
    };
  }
  ctx.registry.registerPath({
    method: def.method,
    path: def.path.replace(/:(\w+)/g, '{$1}'),
    summary: def.summary,
    tags: def.tags,
    security: def.access === 'public' ? [] : [{ bearerAuth: [] }],
    request: {
      ...(def.body ? { body: { content: { 'application/json': { schema: def.body } }, required: true } } : {}),
      ...(def.query ? { query: def.query as unknown as z.ZodObject } : {}),
      ...(def.params ? { params: def.params as unknown as z.ZodObject } : {}),
      ...(def.headers ? { headers: def.headers as unknown as z.ZodObject } : {}),
    },
    responses,
  });

  ctx.router[def.method](def.path, async (req: Request, res: Response) => {
    const caller = callerOf(req, ctx.credentials);
    assertAccess(def.access, caller);
    const input = {
      body: (def.body ? def.body.parse(req.body ?? {}) : undefined) as Out<B>,
      query: (def.query ? def.query.parse(req.query) : undefined) as Out<Q>,
      params: (def.params ? def.params.parse(req.params) : undefined) as Out<P>,
      headers: (def.headers ? def.headers.parse(req.headers) : undefined) as Out<H>,
    };
    assertStorableStrings(input);
    const result = await def.handler({ ...input, caller: caller as never, req });
    res.set(result.headers ?? {});
    if (result.body === undefined) res.status(result.status).end();
    else res.status(result.status).json(result.body);
  });
}

function assertAccess(access: Access, caller: Caller | undefined): void {
  if (access === 'public') return;
  if (!caller) throw new UnauthorizedError();
  if (access === 'user' && caller.kind !== 'user') throw new ForbiddenError('This route is for signed-in users');
}

/**
 * PostgreSQL cannot store U+0000 in text, nor a lone UTF-16 surrogate in jsonb (JSON.parse
 * accepts `"\ud800"`, and events carry the strings on in their JSON payload), so such a string
 * would fail deep in the database as a 500; it is refused here as a 400 naming each field,
 * whatever route it was sent to.
 */
function assertStorableStrings(input: Record<string, unknown>): void {
  const fields: Array<{ path: string; message: string }> = [];
  const visit = (value: unknown, path: string[]): void => {
    if (typeof value === 'string') {
      if (value.includes('\u0000')) fields.push({ path: path.join('.'), message: 'must not contain NUL characters' });
      else if (!value.isWellFormed()) fields.push({ path: path.join('.'), message: 'must be well-formed Unicode (no lone surrogates)' });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...path, String(index)]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
    }
  };
  // Paths are relative to each part, as in zod's own 400s (`items.0.sku`, `cursor`, `id`).
  for (const part of Object.values(input)) visit(part, []);
  if (fields.length > 0) throw new ValidationError(fields);
}
