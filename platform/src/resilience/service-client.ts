import http from 'node:http';
import https from 'node:https';
import { IDENTITY_HEADERS } from '../http/caller';
import { currentContext } from '../logging';
import { currentTraceHeaders } from '../telemetry';
import { ServiceCallError } from './service-call-error';

/** Options of a client for one other service, with their defaults. */
export interface ServiceClientOptions {
  /** Name of the other service, used in errors (e.g. 'user-service'). */
  service: string;
  /**
   * Base URL of the other service, e.g. http://user-service:3001, or of each of its replicas:
   * calls then go round-robin, and a GET whose connection is refused or reset goes to the next one.
   */
  baseUrl: string | readonly string[];
  /** The credential services present to each other (sent as x-service-token). */
  serviceToken: string;
  /** Per-call timeout covering connect, headers and body, in ms. Default 2000. */
  timeoutMs?: number;
  /** Most sockets open to the service at once (kept alive between calls). Default 50. */
  maxSockets?: number;
}

/** One call: path relative to the base URL, optional JSON body and extra headers. */
export interface ServiceRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Overrides the client's timeoutMs for this call. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A 2xx–4xx answer; the caller decides what a 404 means. */
export interface ServiceResponse<T = unknown> {
  status: number;
  body: T;
}

/**
 * A small JSON client for service-to-service calls: keep-alive sockets, a timeout per call,
 * the service token, the request id and the trace context on every request. Unreachable
 * services, timeouts and 5xx answers throw ServiceCallError, which breakers count as failures.
 */
export class ServiceClient {
  private readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly baseUrls: readonly string[];
  private cursor = 0;

  constructor(private readonly options: ServiceClientOptions) {
    this.baseUrls = typeof options.baseUrl === 'string' ? [options.baseUrl] : options.baseUrl;
    if (this.baseUrls.length === 0) throw new Error(`${options.service}: no base URL`);
    const isHttps = new URL(this.baseUrls[0]!).protocol === 'https:';
    this.transport = isHttps ? https : http;
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 50 };
    this.agent = isHttps ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  /** GET path. */
  get<T = unknown>(path: string, request: Omit<ServiceRequest, 'path' | 'method' | 'body'> = {}): Promise<ServiceResponse<T>> {
    return this.request<T>({ ...request, method: 'GET', path });
  }

  /**
   * Sends one request and parses the JSON answer. With several replicas, a GET that could not
   * reach its replica (refused or reset, not a timeout) is sent once more to the next one: a
   * replica that is shutting down closes its connections, and a GET is safe to repeat.
   */
  async request<T = unknown>(request: ServiceRequest): Promise<ServiceResponse<T>> {
    // This call's own index: other calls move the shared cursor while this one is under way.
    const index = (this.cursor = (this.cursor + 1) % this.baseUrls.length);
    try {
      return await this.send<T>(this.baseUrls[index]!, request);
    } catch (error) {
      const unreachable = error instanceof ServiceCallError && error.failure === 'network';
      if (!unreachable || this.baseUrls.length < 2 || (request.method ?? 'GET') !== 'GET') throw error;
      return this.send<T>(this.baseUrls[(index + 1) % this.baseUrls.length]!, request);
    }
  }

  private send<T>(baseUrl: string, request: ServiceRequest): Promise<ServiceResponse<T>> {
    const { service, serviceToken } = this.options;
    const url = new URL(request.path, baseUrl);
    const payload = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
    const requestId = currentContext()?.requestId;
    const headers: Record<string, string> = {
      accept: 'application/json',
      // The HTTP instrumentation, when loaded, replaces these with its client span's context.
      ...currentTraceHeaders(),
      ...(requestId ? { 'x-request-id': requestId } : {}),
      ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
      ...request.headers,
      [IDENTITY_HEADERS.serviceToken]: serviceToken,
    };
    const timeout = AbortSignal.timeout(request.timeoutMs ?? this.options.timeoutMs ?? 2000);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;

    return new Promise<ServiceResponse<T>>((resolve, reject) => {
      const fail = (error: unknown) => {
        const timedOut = timeout.aborted;
        reject(
          new ServiceCallError(service, timedOut ? 'timeout' : 'network', timedOut ? 'no answer in time' : `request failed (${describe(error)})`, undefined, {
            cause: error,
          }),
        );
      };
      const req = this.transport.request(url, { method: request.method ?? 'GET', headers, agent: this.agent, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          if (text && /json/i.test(res.headers['content-type'] ?? '')) {
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
          } else if (!text) {
            body = undefined;
          }
          if (status >= 500) reject(new ServiceCallError(service, 'server-error', `answered ${status}`, status));
          else resolve({ status, body: body as T });
        });
      });
      req.on('error', fail);
      req.end(payload);
    });
  }
}

/** A client for one other service. */
export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  return new ServiceClient(options);
}

function describe(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? code : String(message ?? error);
}
