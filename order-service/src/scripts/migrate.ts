// Applies this service's migrations (the platform's outbox and inbox first); the container start
// command and the Kubernetes init container run it before the service serves.
import { runMigrateCommand } from '@shop/platform/data';
import { orderDatabase } from '../data-access/database';

runMigrateCommand(orderDatabase);
