import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** One finding of Prism's validator, as its `sl-violations` header lists them. */
export interface Violation {
  /** Starts with `request` or `response`, then where: `["response", "body", "items", "0", "id"]`. */
  location: string[];
  severity: string;
  code?: string | number;
  message: string;
}

/** A running `prism proxy` in front of a server, validating both ways against a document. */
export interface PrismProxy {
  /** Where to send requests instead of the server, e.g. http://127.0.0.1:40123. */
  url: string;
  /** Prism's last output lines, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

const PRISM_CLI = require.resolve('@stoplight/prism-cli/dist/index.js');
// Prism colours its log; the address is read after the escapes are gone.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const LISTENING = /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/;

/**
 * Starts `prism proxy <document> <upstream>` on a free loopback port (the port Prism reports)
 * with the document written to a temporary file. Without --errors Prism forwards every request,
 * even one that breaks the document, and only reports what it found in the `sl-violations`
 * header: so the server's own answers to bad input are validated too. (--errors would answer
 * a bad request itself, 401 or 422, and turn only Error-severity response findings into a 500;
 * an undocumented 4xx/5xx status is a Warning and would pass.)
 */
export async function startPrismProxy(document: object, upstream: string, timeoutMs = 30_000): Promise<PrismProxy> {
  const dir = mkdtempSync(path.join(tmpdir(), 'contract-'));
  const file = path.join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  const child = spawn(process.execPath, [PRISM_CLI, 'proxy', file, upstream, '--host', '127.0.0.1', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    await stopChild(child, exited);
    rmSync(dir, { recursive: true, force: true });
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Prism did not listen within ${timeoutMs} ms`)), timeoutMs);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (raw) => {
        const line = raw.replace(ANSI, '');
        lines.push(line);
        if (lines.length > 200) lines.shift();
        const match = LISTENING.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    }
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Prism exited (${code}) before listening:\n${lines.join('\n')}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url, output: () => lines.join('\n'), stop };
}

/** SIGTERM, then SIGKILL if Prism has not exited within 5 s; resolves once it has. */
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * The violations Prism reported for one exchange. Prism cuts a header longer than ~8 kB and
 * prefixes it with "Too many violations!": that is reported as one response violation, so it
 * can never pass for a clean answer.
 */
export function violationsOf(headers: Headers): Violation[] {
  const header = headers.get('sl-violations');
  if (header === null) return [];
  if (header.startsWith('Too many violations!')) return [{ location: ['response'], severity: 'Error', message: header }];
  return JSON.parse(header) as Violation[];
}
