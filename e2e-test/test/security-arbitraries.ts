import fc from 'fast-check';
import { cursorFor } from './security-actors';

// Generators of hostile input for the fuzz suite. Bodies are mostly valid with a few fields
// replaced by something hostile, so runs reach past validation into the use cases and the
// database instead of all stopping at the first 400.

/** Strings known to break things: NUL, lone surrogates, injections, traversal, huge, empty. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\uffff',
  '\u202e\u0644\u0627',
  '\t\r\n',
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '" OR ""="',
  '\\',
  '%',
  '%00',
  '%zz',
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${7*7}',
  '${jndi:ldap://127.0.0.1/a}',
  '__proto__',
  'constructor',
  'null',
  'NaN',
  '-0',
  '1e309',
  '０１２',
  '𝕏'.repeat(60),
  'A'.repeat(300),
  'B'.repeat(20_000),
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_STRINGS), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 120 }), weight: 1 },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 0.5, 1e-7, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, from a hostile scalar to a nested structure. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Hostile strings short enough for a URL (a request line over 16 kB is refused by Node before any code runs). */
const hostileUrlPart: fc.Arbitrary<string> = hostileString.filter((s) => s.length <= 1000).map((s) => percentEncode(s));

/** encodeURIComponent for any string: a lone surrogate (which makes it throw) goes out as U+FFFD, as Buffer encodes it. */
export function percentEncode(text: string): string {
  return Array.from(Buffer.from(text, 'utf8'), (byte) => {
    const char = String.fromCharCode(byte);
    return /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/** Mostly the valid value, sometimes (one in `oneIn`, default ten) a hostile one. */
export const field = <T>(valid: fc.Arbitrary<T>, oneIn = 10): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: valid, weight: oneIn - 1 }, { arbitrary: hostileValue, weight: 1 });

/** Emails the API accepts (fast-check's RFC addresses are often refused by the schema), and sometimes RFC ones. */
export const email: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,30}[a-z0-9]$/), fc.constantFrom('example.com', 'shop.test', 'ex-ample.org')).map(([local, domain]) => `${local}@${domain}`), weight: 4 },
  { arbitrary: fc.emailAddress(), weight: 1 },
);

/** A body as sent: raw text and content-type. */
export interface RawBody {
  text: string;
  contentType: string | undefined;
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/vnd.api+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  undefined,
];

/**
 * A request body around a model of the route's valid body: usually that model (with some
 * fields hostile, some missing, maybe an extra key), else any JSON value, else not JSON at all.
 */
export function hostileBody(model: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<RawBody> {
  const extraKey = fc.tuple(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'role', 'userId', 'id'), fc.string({ maxLength: 10 })), hostileValue);
  const withExtraKey = fc
    .tuple(model, fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: extraKey, weight: 1 }))
    .map(([body, extra]) => {
      if (!extra) return JSON.stringify(body);
      // Written into the text, so a `__proto__` key really is one in the JSON.
      const text = JSON.stringify(body);
      return `{${JSON.stringify(extra[0])}:${JSON.stringify(extra[1])}${text.length > 2 ? `,${text.slice(1)}` : '}'}`;
    });
  const text = fc.oneof(
    { arbitrary: withExtraKey, weight: 8 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)), weight: 1 },
    { arbitrary: fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('{', '{"a":', '[1,', '{"a":1}}', 'nul', '\u0000', '{"a":"\\ud800"}', `${'['.repeat(5000)}${']'.repeat(5000)}`)), weight: 1 },
  );
  const contentType = fc.oneof({ arbitrary: fc.constant('application/json'), weight: 8 }, { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 1 });
  return fc.record({ text, contentType });
}

/** One path segment standing where an id goes: valid ids, encoded hostile strings, broken escapes, traversal. */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  fc.uuid(),
  fc.uuid().map((id) => id.toUpperCase()),
  hostileUrlPart,
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%c0%af', '%00', '..', '.', '%2e%2e', '..%2f..%2fmetrics', 'me', 'methods', '%2F', 'a%2Fb', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '-'.repeat(36)),
  fc.stringMatching(/^[%./\\;:@!$&'()*+,=a-fA-F0-9-]{1,40}$/),
);

/** An ISO timestamp anywhere JavaScript can represent, or a string that only looks like one. */
const cursorTime = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('0000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '2024-02-30', 'yesterday', ''),
);

/** Cursors: well formed, almost well formed (any time, any 36 characters of the id alphabet), or junk. */
export const hostileCursor: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(cursorTime, fc.oneof(fc.uuid(), fc.stringMatching(/^[0-9a-f-]{36}$/))).map(([time, id]) => cursorFor(time, id)),
  hostileUrlPart,
  hostileString.filter((s) => s.length <= 500).map((s) => Buffer.from(s).toString('base64url')),
);

/**
 * A query string from the route's own parameters (valid or hostile values, repeated keys) plus
 * unknown ones.
 */
export function hostileQuery(params: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const known = Object.entries(params).map(([name, valid]) =>
    fc.tuple(fc.constant(name), fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: hostileUrlPart, weight: 1 }, { arbitrary: fc.constantFrom('%', '%zz', '%00'), weight: 1 })),
  );
  const unknown = fc.tuple(fc.constantFrom('userId', 'role', 'admin', 'limit[]', 'cursor[x]', '__proto__'), hostileUrlPart);
  return fc.array(fc.oneof(...known, unknown), { maxLength: 4 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
}

/** Printable latin-1 header values (what HTTP lets a client send), sometimes over the 255 the API allows. */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 300 }),
  fc.string({ unit: fc.integer({ min: 0xa0, max: 0xff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 40 }),
);
