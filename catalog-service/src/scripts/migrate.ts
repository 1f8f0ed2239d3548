// Applies this service's migrations (and the platform's outbox and inbox); the container start
// command and the Kubernetes init container run it before the service serves.
import { runMigrateCommand } from '@shop/platform/data';
import { catalogDatabase } from '../data-access/database';

runMigrateCommand(catalogDatabase);
