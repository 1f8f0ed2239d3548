export { callerOf, IDENTITY_HEADERS, tokensMatch, type Caller, type Role } from './caller';
export { createApp, type AppOptions } from './create-app';
export { defineRoute, type Access, type RouteContext, type RouteDefinition, type RouteResult } from './define-route';
export { errorHandler, notFoundHandler } from './error-handler';
export { readinessHandler, type ReadinessChecks } from './readiness';
export { REQUEST_ID_HEADER, requestIdMiddleware } from './request-id';
