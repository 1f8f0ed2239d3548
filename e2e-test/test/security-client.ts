import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';

/** One request the suite sent and what came back; every one is kept for the leak scan. */
export interface Exchange {
  method: string;
  path: string;
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed body when it was JSON, else undefined. */
  json: unknown;
  /** Path, headers and body as sent, so a check can tell an echo of the input from a leak. */
  sent: string;
  /** True for an answer read off a raw socket (sendRaw), where `text` is the whole response. */
  raw?: boolean;
}

/** A request that got no answer at all: it failed, hung past its timeout, or a raw socket closed silently. */
export interface Failure {
  method: string;
  path: string;
  error: string;
}

export interface SendOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Serialized as JSON with content-type application/json. */
  body?: unknown;
  /** Sent as is (no content-type unless given in headers). */
  rawBody?: string | Buffer;
  headers?: OutgoingHttpHeaders;
  /** Longest wait for the whole answer; past it the call fails as a hang. Default 5000. */
  timeoutMs?: number;
}

/**
 * A client of one HTTP origin built on node:http rather than fetch, so paths go out exactly as
 * written (`/api/users/../../metrics`, `%zz`) and no header is added or normalized behind the
 * test's back. It records every exchange.
 */
export class HttpClient {
  readonly exchanges: Exchange[] = [];
  readonly failures: Failure[] = [];

  constructor(
    readonly host: string,
    readonly port: number,
  ) {}

  /** `http://127.0.0.1:7000/api` → a client of 127.0.0.1:7000. */
  static of(baseUrl: string): HttpClient {
    const url = new URL(baseUrl);
    return new HttpClient(url.hostname, Number(url.port));
  }

  send(method: string, path: string, options: SendOptions = {}): Promise<Exchange> {
    const headers: OutgoingHttpHeaders = { ...options.headers };
    let body: Buffer | undefined;
    if (options.body !== undefined) {
      body = Buffer.from(JSON.stringify(options.body));
      headers['content-type'] ??= 'application/json';
    } else if (options.rawBody !== undefined) {
      body = Buffer.isBuffer(options.rawBody) ? options.rawBody : Buffer.from(options.rawBody);
    }
    // A chunked body (transfer-encoding given) goes without a length, as streaming clients send it.
    if (body && headers['transfer-encoding'] === undefined) headers['content-length'] ??= body.length;
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const timeoutMs = options.timeoutMs ?? 5000;

    return new Promise<Exchange>((resolve, reject) => {
      const req = request({ host: this.host, port: this.port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const exchange: Exchange = {
            method,
            path,
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: parseJson(text, res.headers),
            sent: `${method} ${path}\n${JSON.stringify(headers)}\n${body?.toString('utf8') ?? ''}`,
          };
          this.exchanges.push(exchange);
          resolve(exchange);
        });
      });
      const timer = setTimeout(() => req.destroy(new Error(`${method} ${path}: no complete answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', (error) => {
        this.failures.push({ method, path, error: error.message });
        reject(error);
      });
      req.end(body);
    });
  }

  /**
   * sendRaw() to this origin, recorded like send(): each response in the byte stream becomes an
   * exchange (named by the first request line), and a stream without any is a failure.
   */
  async sendRaw(bytes: string, quietMs?: number): Promise<string> {
    const [method = '?', path = '?'] = (bytes.split('\r\n', 1)[0] ?? '').split(' ');
    let raw: string;
    try {
      raw = await sendRaw(this.port, bytes, quietMs);
    } catch (error) {
      this.failures.push({ method, path, error: (error as Error).message });
      throw error;
    }
    const responses = raw.split(/(?=^HTTP\/1\.1 \d{3} )/m).filter((part) => /^HTTP\/1\.1 \d{3} /.test(part));
    if (responses.length === 0) this.failures.push({ method, path, error: 'no HTTP response on the raw socket' });
    for (const response of responses) {
      const [head = '', ...rest] = response.split('\r\n\r\n');
      const headers: IncomingHttpHeaders = {};
      for (const line of head.split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const text = rest.join('\r\n\r\n');
      this.exchanges.push({ method, path, status: statusLines(head)[0]!, headers, text: response, json: parseJson(text, headers), sent: bytes, raw: true });
    }
    return raw;
  }
}

function parseJson(text: string, headers: IncomingHttpHeaders): unknown {
  if (!String(headers['content-type'] ?? '').includes('json')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Sends bytes exactly as given on a new connection (request smuggling, absolute-form targets)
 * and resolves with everything the server sent until it closed the connection or went quiet.
 */
export function sendRaw(port: number, bytes: string, quietMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer = setTimeout(() => socket.destroy(), quietMs * 3);
    const done = () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    socket.on('connect', () => socket.write(bytes, 'latin1'));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      clearTimeout(timer);
      timer = setTimeout(() => socket.destroy(), quietMs);
    });
    socket.on('close', done);
    socket.on('error', reject);
  });
}

/** The status codes of every HTTP response in a raw byte stream, in order. */
export const statusLines = (raw: string): number[] => [...raw.matchAll(/^HTTP\/1\.1 (\d{3}) /gm)].map((m) => Number(m[1]));
