import { randomUUID } from 'node:crypto';
import { waitFor } from '@shop/platform/testing';
import type { Exchange, HttpClient, SendOptions } from './security-client';
import { mintToken } from './security-tokens';

export const PASSWORD = 'correct horse battery staple';

/** A registered user and a token to act as them. */
export interface Actor {
  id: string;
  email: string;
  token: string;
}

export interface Product {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
}

export interface Order {
  id: string;
  status: string;
  totalCents: number;
  failureReason?: string;
  [key: string]: unknown;
}

/** Customers of the shop, through the gateway only. */
export class Shop {
  constructor(
    readonly api: HttpClient,
    private readonly jwtSecret: string,
  ) {}

  /** A request to the gateway's /api. */
  call(method: string, path: string, options?: SendOptions): Promise<Exchange> {
    return this.api.send(method, `/api${path}`, options);
  }

  async register(name: string): Promise<{ id: string; email: string }> {
    const email = `${name.toLowerCase()}-${randomUUID()}@example.com`;
    const res = await this.call('POST', '/users', { body: { name, email, password: PASSWORD } });
    if (res.status !== 201) throw new Error(`register ${name}: ${res.status} ${res.text}`);
    return { id: (res.json as { id: string }).id, email };
  }

  /** Registers and signs in through POST /auth/login (each one counts against the login limit). */
  async signUp(name: string): Promise<Actor> {
    const user = await this.register(name);
    const res = await this.call('POST', '/auth/login', { body: { email: user.email, password: PASSWORD } });
    if (res.status !== 200) throw new Error(`login ${name}: ${res.status} ${res.text}`);
    return { ...user, token: (res.json as { accessToken: string }).accessToken };
  }

  /**
   * Registers, then takes a token signed with the system's key as login would issue it, without
   * spending one of the ten logins a minute the address gets.
   */
  async newCustomer(name: string, role: 'customer' | 'admin' = 'customer'): Promise<Actor> {
    const user = await this.register(name);
    return { ...user, token: await mintToken(this.jwtSecret, { sub: user.id, role }) };
  }

  async addCard(token: string, cardNumber: string): Promise<string> {
    const res = await this.call('POST', '/payments/methods', {
      token,
      body: { cardNumber, expMonth: 12, expYear: new Date().getFullYear() + 3, holderName: 'Card Holder' },
    });
    if (res.status !== 201) throw new Error(`add card: ${res.status} ${res.text}`);
    return (res.json as { id: string }).id;
  }

  private seeded: Promise<Product> | undefined;

  /**
   * A product of the sample catalog the stack seeds, as anyone browsing the shop sees it: looked
   * up once, so every order of a suite buys the same product, whatever products its tests add.
   */
  product(): Promise<Product> {
    this.seeded ??= this.call('GET', '/products?limit=1').then((res) => {
      const product = (res.json as { items?: Product[] } | undefined)?.items?.[0];
      if (res.status !== 200 || !product) throw new Error(`list products: ${res.status} ${res.text}`);
      return product;
    });
    this.seeded.catch(() => (this.seeded = undefined));
    return this.seeded;
  }

  /** Orders two of a seeded product. */
  async placeOrder(token: string, paymentMethodId: string): Promise<Order> {
    const { id: productId } = await this.product();
    const res = await this.call('POST', '/orders', { token, body: { items: [{ productId, quantity: 2 }], paymentMethodId } });
    if (res.status !== 201) throw new Error(`place order: ${res.status} ${res.text}`);
    return res.json as Order;
  }

  async order(token: string, orderId: string): Promise<Order> {
    const res = await this.call('GET', `/orders/${orderId}`, { token });
    if (res.status !== 200) throw new Error(`read order: ${res.status} ${res.text}`);
    return res.json as Order;
  }

  /** The order once it left PENDING. */
  settled(token: string, orderId: string): Promise<Order> {
    return eventually(async () => {
      const order = await this.order(token, orderId);
      return order.status === 'PENDING' ? undefined : order;
    }, `order ${orderId} to settle`);
  }
}

/** Polls (every 100 ms: each probe is a request through the gateway) until probe returns an object, at most timeoutMs. */
export const eventually = <T extends object>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> =>
  waitFor(probe, { timeoutMs, intervalMs: 100, what }) as Promise<T>;

/** An opaque list cursor as the services encode it (platform/src/data/cursor.ts), for forging. */
export const cursorFor = (createdAt: string, id: string) => Buffer.from(`${createdAt}|${id}`).toString('base64url');
