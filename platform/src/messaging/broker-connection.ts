import type { Channel, ChannelModel } from 'amqplib';
import { AmqpConnectionManagerClass, type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import { getLogger } from '../logging';

const log = getLogger('messaging');

/** Connection settings (defaults are set by RabbitMqEventBus). */
export interface BrokerConnectionOptions {
  url: string;
  heartbeatSeconds: number;
  reconnectDelayMs: number;
  maxReconnectDelayMs: number;
}

/** A named channel with the setup replayed on each new underlying channel. */
export interface ChannelSpec {
  name: string;
  confirm: boolean;
  publishTimeoutMs?: number;
  setup: (channel: Channel) => Promise<void>;
}

/**
 * One broker connection (amqp-connection-manager) that reconnects with a doubling delay, logs
 * each transition once, tracks which channels are set up, and recovers channels the broker
 * closed while the connection stayed up.
 */
export class BrokerConnection {
  readonly manager: AmqpConnectionManager;
  private readonly channels: ChannelWrapper[] = [];
  private readonly ready = new Set<string>();
  private readonly expected = new Set<string>();
  private nextDelayMs: number;
  private unreachableLogged = false;
  private closed = false;
  private readonly readyListeners = new Set<() => void>();

  /** `role` names the connection in logs and in the broker's connection list (publisher, consumer). */
  constructor(
    private readonly options: BrokerConnectionOptions,
    private readonly role: string,
  ) {
    this.nextDelayMs = options.reconnectDelayMs;
    this.manager = new AmqpConnectionManagerClass([options.url], {
      heartbeatIntervalInSeconds: options.heartbeatSeconds,
      reconnectTimeInSeconds: options.reconnectDelayMs / 1000,
      connectionOptions: { clientProperties: { connection_name: role } },
    });
    this.watch();
  }

  /** Adds a channel; its setup runs on every (re)connect before it counts as ready. */
  addChannel(spec: ChannelSpec): ChannelWrapper {
    this.expected.add(spec.name);
    const wrapper = this.manager.createChannel({
      name: spec.name,
      confirm: spec.confirm,
      ...(spec.publishTimeoutMs ? { publishTimeout: spec.publishTimeoutMs } : {}),
      setup: (channel: Channel) => this.runSetup(spec, channel),
    });
    wrapper.on('error', (error: Error) => log.error('Message broker channel setup failed', { channel: spec.name, error }));
    this.channels.push(wrapper);
    return wrapper;
  }

  /**
   * Starts connecting and resolves when every channel is set up, when the first attempt fails,
   * or after waitMs, whichever comes first; connecting goes on in the background.
   */
  async connect(waitMs: number): Promise<void> {
    const waiters = [...this.channels.map((channel) => once(channel, 'connect')), once(this.manager, 'connectFailed')];
    // connect() rejects only for refused credentials; every other failure is retried.
    this.manager.connect().catch((error: unknown) => log.error('Message broker refused the credentials', { error }));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((resolve) => (timer = setTimeout(resolve, waitMs)));
    const allReady = Promise.all(waiters.slice(0, -1).map((waiter) => waiter.promise));
    await Promise.race([allReady, waiters.at(-1)!.promise, timeout]);
    clearTimeout(timer);
    for (const waiter of waiters) waiter.cancel();
  }

  /** Calls listener each time the connection has every channel set up again; returns its remover. */
  onReady(listener: () => void): () => void {
    this.readyListeners.add(listener);
    return () => this.readyListeners.delete(listener);
  }

  /** True while connected with every channel set up. */
  isConnected(): boolean {
    return !this.closed && this.manager.isConnected() && [...this.expected].every((name) => this.ready.has(name));
  }

  /** Closes channels and connection without waiting for a pending reconnect. */
  async close(): Promise<void> {
    this.closed = true;
    this.manager.reconnectTimeInSeconds = 0;
    await this.manager.close();
    this.ready.clear();
  }

  private watch(): void {
    const { manager } = this;
    const { reconnectDelayMs, maxReconnectDelayMs } = this.options;
    const broker = redactUrl(this.options.url);
    const { role } = this;
    manager.on('connect', () => {
      this.nextDelayMs = reconnectDelayMs;
      manager.reconnectTimeInSeconds = reconnectDelayMs / 1000;
      this.unreachableLogged = false;
      log.info('Connected to the message broker', { broker, role });
    });
    manager.on('disconnect', ({ err }: { err?: Error }) => {
      this.ready.clear();
      if (!this.closed) log.warn('Disconnected from the message broker, reconnecting', { broker, role, error: err });
    });
    // The manager waits reconnectTimeInSeconds after this event: growing it is the backoff.
    manager.on('connectFailed', ({ err }: { err: Error }) => {
      manager.reconnectTimeInSeconds = this.closed ? 0 : this.nextDelayMs / 1000;
      this.nextDelayMs = Math.min(this.nextDelayMs * 2, maxReconnectDelayMs);
      if (this.unreachableLogged || this.closed) return;
      this.unreachableLogged = true;
      log.warn('Cannot reach the message broker, retrying in the background', { broker, role, error: err });
    });
    manager.on('blocked', ({ reason }: { reason: string }) => log.warn('Message broker blocked the connection', { broker, role, reason }));
    manager.on('unblocked', () => log.info('Message broker unblocked the connection', { broker, role }));
  }

  /**
   * The broker closes a channel on any channel error (a 406 for a bad ack, a refused
   * declaration) while the connection stays up, and amqp-connection-manager re-creates
   * channels only on a new connection: so a channel closed under a live connection forces one.
   */
  private async runSetup(spec: ChannelSpec, channel: Channel): Promise<void> {
    const connection = this.manager.connection;
    channel.on('error', (error: Error) => log.warn('Message broker closed a channel', { channel: spec.name, error }));
    channel.once('close', () => {
      this.ready.delete(spec.name);
      setTimeout(() => this.recover(spec.name, connection), this.options.reconnectDelayMs).unref();
    });
    await spec.setup(channel);
    this.ready.add(spec.name);
    if (this.isConnected()) {
      for (const listener of this.readyListeners) {
        try {
          listener();
        } catch (error) {
          log.error('A broker ready listener failed', { error });
        }
      }
    }
  }

  private recover(name: string, connection: ChannelModel | undefined): void {
    if (this.closed || this.ready.has(name)) return;
    // A different (or no) connection means the manager is already replacing it.
    if (!this.manager.isConnected() || this.manager.connection !== connection) return;
    log.warn('Reconnecting to recover a closed channel', { channel: name });
    this.manager.reconnect();
  }
}

/** The next emission of event, with a way to stop listening. */
function once(emitter: NodeJS.EventEmitter, event: string): { promise: Promise<void>; cancel: () => void } {
  let listener: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    listener = () => resolve();
    emitter.once(event, listener);
  });
  return { promise, cancel: () => emitter.removeListener(event, listener) };
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid url)';
  }
}
