// `./run seed-catalog`: fills the stack's catalog database (as `./run stack` names it, or
// DATABASE_URL when set) with the sample products, if it has none. `./run stack` does the same
// on every start; this is for a stack whose database was emptied, or another database.
import stackLib from './stack-lib.cjs';

const { prepareDatabases, runScript, stackEnvironment } = stackLib;

const catalog = stackEnvironment().find((service) => service.name === 'catalog-service');
if (process.env.DATABASE_URL) {
  catalog.env.DATABASE_URL = process.env.DATABASE_URL;
  await runScript(catalog, catalog.seed);
} else {
  // Creates and migrates the database first when the stack never ran here.
  await prepareDatabases([catalog]);
}
console.log(`seed-catalog: ${new URL(catalog.env.DATABASE_URL).pathname.slice(1)} holds the sample catalog (or already held products)`);
