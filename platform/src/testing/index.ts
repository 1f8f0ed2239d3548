export { createTestDatabase, dropTestDatabase, TEST_SERVER_URL } from './test-database';
export { TcpProxy } from './tcp-proxy';
export { deleteTopology, MessageCollector, TEST_BROKER_URL, uniqueExchangeName, waitFor, type CollectedMessage } from './broker';
