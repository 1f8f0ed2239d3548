export { createTestDatabase, dropTestDatabase, TEST_SERVER_URL } from './test-database';
export { TcpProxy } from './tcp-proxy';
