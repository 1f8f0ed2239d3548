export { BrokerUnavailableError, MessageRejectedError } from './broker-errors';
export { createEnvelope, envelopeSchemaOf, eventEnvelopeSchema, type EventEnvelope } from './envelope';
export { defineSubscription, type DeliveryMeta, type EventBus, type EventHandler, type EventPublisher, type EventSubscription } from './event-bus';
export { ATTEMPT_HEADER, ERROR_HEADER, ORIGINAL_ROUTING_KEY_HEADER } from './handle-delivery';
export { INBOX_TABLE_SQL, inboxInsertSql, markProcessed, type InboxInsertOptions } from './inbox';
export { eventBusFromConfig, RabbitMqEventBus, type EventBusSettings, type RabbitMqEventBusOptions } from './rabbitmq-event-bus';
export { sqlExecutorFromPg, type SqlExecutor } from './sql-executor';
export { serviceTopology, type ServiceTopology } from './topology';
