export { BrokerUnavailableError, MessageRejectedError } from './broker-errors';
export { createEnvelope, envelopeSchemaOf, eventEnvelopeSchema, type EventEnvelope } from './envelope';
export { defineSubscription, type DeliveryMeta, type EventBus, type EventHandler, type EventPublisher, type EventSubscription } from './event-bus';
export { ATTEMPT_HEADER, ERROR_HEADER, ORIGINAL_ROUTING_KEY_HEADER } from './handle-delivery';
export { eventBusFromConfig, RabbitMqEventBus, type EventBusSettings, type RabbitMqEventBusOptions } from './rabbitmq-event-bus';
export { serviceTopology, type ServiceTopology } from './topology';
