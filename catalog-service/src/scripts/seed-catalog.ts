// Fills an empty catalog with the sample products (and their product.created events):
//   DATABASE_URL=postgresql://... npm run seed-catalog -w catalog-service
// Run after migrate. A catalog that has any product is left alone, so running it twice is safe.
import { loadConfig } from '@shop/platform/config';
import { openDatabase } from '@shop/platform/data';
import { configSchema } from '../config';
import { catalogDatabase } from '../data-access/database';
import { seedCatalog } from '../domain/seed-catalog';

async function seed(): Promise<number> {
  const config = loadConfig(configSchema.pick({ DATABASE_URL: true, DATABASE_POOL_MAX: true }));
  const { db, close } = openDatabase(catalogDatabase, config);
  try {
    return (await seedCatalog(db, new Date())).inserted;
  } finally {
    await close();
  }
}

seed().then(
  (inserted) =>
    console.log(
      JSON.stringify(
        inserted > 0
          ? { level: 'info', message: 'Catalog seeded', inserted }
          : { level: 'info', message: 'Catalog not empty, seed skipped', inserted: 0 },
      ),
    ),
  (error: unknown) => {
    console.error(`seed-catalog: ${(error as Error).message}`);
    process.exit(1);
  },
);
