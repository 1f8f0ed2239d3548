// Applies this service's migrations (and the platform's inbox); the container start command and
// the Kubernetes init container run it before the service serves.
import { runMigrateCommand } from '@shop/platform/data';
import { notificationDatabase } from '../data-access/database';

runMigrateCommand(notificationDatabase);
