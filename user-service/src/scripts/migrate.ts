// Applies this service's migrations; the container start command and the Kubernetes init
// container run it before the service serves.
import path from 'node:path';
import { runMigrateCommand } from '@shop/platform/data';

runMigrateCommand(path.join(__dirname, '../../prisma/migrations'));
