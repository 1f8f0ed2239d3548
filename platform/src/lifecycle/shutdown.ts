import { getLogger } from '../logging';

const log = getLogger('lifecycle');

type Closer = { name: string; close: () => Promise<void> };

/** Closers registered while a service starts, run in reverse order when it stops. */
export class Shutdown {
  private readonly closers: Closer[] = [];
  private running: Promise<void> | undefined;

  /** Registers something to close; later registrations close first (HTTP before the database). */
  add(name: string, close: () => Promise<void>): void {
    this.closers.push({ name, close });
  }

  /** Runs every closer once (later calls get the same promise); a failing closer does not stop the others. */
  run(): Promise<void> {
    this.running ??= (async () => {
      for (const closer of [...this.closers].reverse()) {
        try {
          await closer.close();
        } catch (error) {
          log.error('Closing failed', { closer: closer.name, error });
        }
      }
    })();
    return this.running;
  }
}
