// Applies this service's migrations (the images' start command and the Kubernetes Job run it before serving).
import path from 'node:path';
import { migrate } from '@shop/platform/data';
import { postgresUrl } from '@shop/platform/config';

const databaseUrl = postgresUrl().parse(process.env.DATABASE_URL);
migrate(databaseUrl, path.join(__dirname, '../../prisma/migrations')).then(
  (applied) => console.log(JSON.stringify({ message: 'Migrations up to date', applied })),
  (error: unknown) => {
    console.error(`migrate: ${(error as Error).message}`);
    process.exit(1);
  },
);
