export { createTestDatabase, dropTestDatabase, TEST_SERVER_URL } from './test-database';
export { TcpProxy } from './tcp-proxy';
export { deleteTopology, MessageCollector, TEST_BROKER_URL, uniqueExchangeName, waitFor, type CollectedMessage } from './broker';
export {
  asService,
  asUser,
  publishRaw,
  startServiceUnderTest,
  TEST_GATEWAY_TOKEN,
  TEST_SERVICE_TOKEN,
  type ServiceUnderTest,
  type ServiceUnderTestOptions,
} from './service-under-test';
export { bodyOf, headerOf, SmtpSink, type ReceivedMail, type SmtpSinkOptions } from './smtp-sink';
