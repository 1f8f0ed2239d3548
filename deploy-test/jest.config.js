// Checks of the deployment files (the Dockerfile, docker-compose.yml, k8s/, observability/) against
// what the services read and serve. Needs built dist (root `npm test` runs `tsc -b` first),
// kubectl, and the local PostgreSQL and RabbitMQ.
module.exports = { ...require('../jest.preset.js')(__dirname), testTimeout: 30_000 };
