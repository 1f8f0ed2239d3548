// `./run seed-catalog`: fills the stack's catalog database (as `./run stack` names it, or
// DATABASE_URL when set) with the sample products, if it has none. `./run stack` does the same
// on every start; this is for a stack whose database was emptied, or another database.
import stackLib from './stack-lib.cjs';

const { prepareDatabases, runScript, stackEnvironment } = stackLib;

const catalog = stackEnvironment().find((service) => service.name === 'catalog-service');
try {
  if (process.env.DATABASE_URL) catalog.env.DATABASE_URL = process.env.DATABASE_URL;
  // Creates and migrates the database first when it does not exist yet; then the seed says what it did.
  else await prepareDatabases([{ ...catalog, seed: undefined }]);
  await runScript(catalog, catalog.seed, 'inherit');
} catch (error) {
  console.error(error.message);
  process.exitCode = 1;
}
