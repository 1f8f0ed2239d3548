// Loaded first by main.ts: OpenTelemetry must patch http, express and pg before they are imported.
import { startTelemetry } from '@shop/platform/telemetry';

startTelemetry({ serviceName: 'payment-service', otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT });
