import express from 'express';
import { defineRoute, type RouteContext } from '../../src/http';
import { createOpenApiRegistry, generateOpenApiDocument, z, type OpenApiDocument } from '../../src/openapi';

const ERROR_REF = { $ref: '#/components/schemas/Error' };
type Responses = Record<string, { description: string; headers?: Record<string, unknown>; content?: { 'application/json': { schema: unknown } } }>;

/** The document of the routes `define` registers. */
function documentOf(define: (ctx: RouteContext) => void): OpenApiDocument {
  const registry = createOpenApiRegistry();
  define({ router: express.Router(), registry, credentials: { gatewayToken: 'g'.repeat(32), serviceToken: undefined } });
  return generateOpenApiDocument(registry, 'test');
}

const responsesOf = (document: OpenApiDocument, path: string, method: string) =>
  (document.paths[path]![method] as { responses: Responses }).responses;

describe('defineRoute: the responses it documents', () => {
  const document = documentOf((ctx) => {
    defineRoute(ctx, {
      method: 'post', path: '/things', summary: 'Make a thing', access: 'user', body: z.object({ name: z.string() }),
      responses: { 201: { description: 'Made', schema: z.object({ id: z.string() }) }, 409: { description: 'Taken' } },
      handler: async () => ({ status: 201, body: { id: '1' } }),
    });
    defineRoute(ctx, {
      method: 'get', path: '/things', summary: 'List things', access: 'public',
      responses: { 200: { description: 'Things' } },
      handler: async () => ({ status: 200, body: [] }),
    });
  });

  test('When a signed-in user route takes a body, then 400, 401, 403, 413, 415, 500 and 503 are documented with the Error body', () => {
    // Act
    const responses = responsesOf(document, '/things', 'post');

    // Assert
    expect(Object.keys(responses).sort()).toEqual(['201', '400', '401', '403', '409', '413', '415', '500', '503']);
    for (const status of ['400', '401', '403', '409', '413', '415', '500', '503']) {
      expect(responses[status]!.content).toEqual({ 'application/json': { schema: ERROR_REF } });
    }
    expect(responses['503']!.headers).toHaveProperty('Retry-After');
    expect(responses['409']!.description).toBe('Taken');
  });

  test('When a public GET takes no input, then only its own answers, 500 and 503 are documented', () => {
    // Act
    const responses = responsesOf(document, '/things', 'get');

    // Assert
    expect(Object.keys(responses).sort()).toEqual(['200', '500', '503']);
  });

  test('When the document is generated, then Error is one shared component: code, message, optional details, nothing else', () => {
    // Assert
    expect(document.components!.schemas!.Error).toMatchObject({
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: expect.any(Object) },
    });
  });
});
