import { trace } from '@opentelemetry/api';
import winston from 'winston';
import { currentContext } from './request-context';

// Keys whose values never reach a log line, wherever they appear in the metadata.
const SECRET_KEYS = /pass(word)?|token|secret|authorization|cookie|card.?number|cvc|hash/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEYS.test(key) ? '[redacted]' : redact(item, depth + 1);
  }
  return out;
}

// Adds request id and the active span's trace and span ids, and redacts secrets.
const enrich = winston.format((info) => {
  const ctx = currentContext();
  if (ctx) info.requestId = ctx.requestId;
  const span = trace.getActiveSpan()?.spanContext();
  if (span && span.traceId !== '00000000000000000000000000000000') {
    info.traceId = span.traceId;
    info.spanId = span.spanId;
  }
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'message') continue;
    info[key] = SECRET_KEYS.test(key) ? '[redacted]' : redact(info[key]);
  }
  return info;
});

const root = winston.createLogger({
  // Until configureLogging runs (scripts, tests), the level comes straight from the environment.
  level: process.env.LOG_LEVEL ?? 'info',
  format: winston.format.combine(winston.format.timestamp(), enrich(), winston.format.json()),
  transports: [new winston.transports.Console()],
});

export type Logger = winston.Logger;

/** Sets the service name carried by every line and the level (called once by the bootstrap). */
export function configureLogging(options: { service: string; level: string }): void {
  root.level = options.level;
  root.defaultMeta = { service: options.service };
}

/** A logger for one module; its lines carry `module`. */
export function getLogger(module: string): Logger {
  return root.child({ module });
}

/** Silences or restores all output (tests that exercise error paths on purpose). */
export function setLoggingSilent(silent: boolean): void {
  for (const transport of root.transports) transport.silent = silent;
}
