import { extendZodWithOpenApi, OpenApiGeneratorV31, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// Adds `.openapi()` to zod schemas (names, examples) once per process.
extendZodWithOpenApi(z);

/**
 * The body of every error answer, as the error handler sends it: `{ code, message, details? }`.
 * Documented once, as components.schemas.Error, and referred to by every 4xx and 5xx.
 */
export const errorBody = z
  .object({
    code: z.string().openapi({ description: 'Stable kebab-case code clients switch on', example: 'validation-failed' }),
    message: z.string(),
    details: z.unknown().optional().openapi({ description: 'Extra facts, e.g. the invalid fields of a 400' }),
  })
  // Nothing else, ever: a stack or an internal address in an error answer is a leak.
  .strict()
  .openapi('Error');

/** A new registry with the bearer scheme every protected route refers to and the Error schema. */
export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  registry.register('Error', errorBody);
  return registry;
}

/** The Error schema as JSON Schema, for documents not built from a registry (the gateway's own answers). */
export function errorSchemaComponent(): Record<string, unknown> {
  const schemas = generateOpenApiDocument(createOpenApiRegistry(), 'Error').components?.schemas ?? {};
  return schemas.Error as Record<string, unknown>;
}

/** Where documents refer to the Error schema. */
export const ERROR_SCHEMA_REF = { $ref: '#/components/schemas/Error' } as const;

/** An OpenAPI 3.1 document type loose enough to merge documents from several services. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/** Generates the OpenAPI 3.1 document of everything registered. */
export function generateOpenApiDocument(registry: OpenAPIRegistry, title: string): OpenApiDocument {
  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({ openapi: '3.1.0', info: { title, version: '1.0.0' } }) as unknown as OpenApiDocument;
}

/** The query of every keyset-paged list: `limit` 1–100 (default 20) and the opaque `cursor` of the last page. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

export { OpenAPIRegistry, z };
