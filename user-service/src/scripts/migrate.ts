// Applies this service's migrations; the container start command and the Kubernetes init
// container run it before the service serves.
import { runMigrateCommand } from '@shop/platform/data';
import { userDatabase } from '../data-access/database';

runMigrateCommand(userDatabase);
