import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request a stub received, body included. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What the default handler answers: the request as the service saw it. */
export interface Echo {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyText: string;
  bodyLength: number;
  bodySha256: string;
}

export type StubHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/** A real HTTP server on a free port standing in for a service. */
export interface UpstreamStub {
  url: string;
  requests: RecordedRequest[];
  /** Connections accepted so far. */
  connectionsAccepted: () => number;
  /** Connections currently open. */
  connectionsOpen: () => number;
  close: () => Promise<void>;
}

/** Answers 200 with the request echoed as JSON. */
export const echo: StubHandler = (req, res, body) => {
  const answer: Echo = {
    method: req.method ?? '',
    url: req.url ?? '',
    headers: req.headers,
    bodyText: body.toString('utf8'),
    bodyLength: body.length,
    bodySha256: createHash('sha256').update(body).digest('hex'),
  };
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
};

/** Starts a stub; handler decides the answer (default: echo). */
export async function startUpstreamStub(handler: StubHandler = echo): Promise<UpstreamStub> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on('connection', (socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connectionsAccepted: () => accepted,
    connectionsOpen: () => sockets.size,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** A handler that answers with handler after delayMs, unless the caller hangs up first. */
export function delayed(delayMs: number, handler: StubHandler = echo): StubHandler {
  return (req, res, body) => {
    const timer = setTimeout(() => handler(req, res, body), delayMs);
    res.on('close', () => clearTimeout(timer));
  };
}

/** A URL on which nothing listens: connections to it are refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
