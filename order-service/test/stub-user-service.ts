import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDENTITY_HEADERS } from '@shop/platform/http';

/**
 * Stands in for user-service at the HTTP boundary: answers GET /users/:id for the users a
 * test adds, checks the internal token, and can be stopped, restarted or slowed down.
 */
export class StubUserService {
  private readonly users = new Map<string, { id: string; name: string; email: string }>();
  private server: http.Server | undefined;
  private port = 0;
  /** Delay before each answer, in ms (simulates a slow user-service). */
  delayMs = 0;
  /** Lookups received. */
  calls = 0;
  /** Answers held while stalled, sent on resume(). */
  private held: Array<() => void> | undefined;

  constructor(private readonly serviceToken: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Adds a user and returns its id. */
  addUser(overrides: Partial<{ name: string; email: string }> = {}): string {
    const id = randomUUID();
    this.users.set(id, { id, name: 'Grace Hopper', email: `grace-${id.slice(0, 8)}@example.com`, ...overrides });
    return id;
  }

  userOf(id: string) {
    return this.users.get(id);
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      this.calls++;
      const answer = (status: number, body: unknown) => {
        const respond = () => {
          if (res.destroyed) return;
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        };
        if (this.held) this.held.push(respond);
        else setTimeout(respond, this.delayMs);
      };
      if (req.headers[IDENTITY_HEADERS.serviceToken] !== this.serviceToken) return answer(401, { code: 'unauthorized' });
      const id = /^\/users\/([^/]+)$/.exec(req.url ?? '')?.[1];
      const user = id ? this.users.get(decodeURIComponent(id)) : undefined;
      return user ? answer(200, { ...user, role: 'customer', createdAt: new Date().toISOString() }) : answer(404, { code: 'user-not-found' });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /**
   * Stops answering without closing anything, as a process that is paused (SIGSTOP) or stuck:
   * requests are accepted and wait; resume() answers them all.
   */
  stall(): void {
    this.held ??= [];
  }

  /** Ends a stall: the held requests are answered (those whose caller gave up are skipped). */
  resume(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const respond of held) respond();
  }

  /** Stops answering: new connections are refused, open ones are cut. */
  async stop(): Promise<void> {
    this.resume();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
