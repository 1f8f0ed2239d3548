import { postgresUrl } from '../config';
import { migrationDirsOf, type DatabaseDefinition } from './database';
import { migrate } from './migrate';

/**
 * The body of every service's `migrate` command (container start, Kubernetes init container,
 * `npm run migrate -w <service>`): applies the database's migrations (the platform's tables
 * first, when it uses events) to DATABASE_URL, prints one JSON line, and exits 1 with one line
 * on failure.
 */
export function runMigrateCommand(database: DatabaseDefinition<unknown>, env: NodeJS.ProcessEnv = process.env): void {
  const url = postgresUrl().safeParse(env.DATABASE_URL);
  if (!url.success) {
    console.error('migrate: DATABASE_URL must be a postgresql:// connection URL');
    process.exit(1);
  }
  migrate(url.data, migrationDirsOf(database)).then(
    (applied) => console.log(JSON.stringify({ level: 'info', message: 'Migrations up to date', applied })),
    (error: unknown) => {
      console.error(`migrate: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
