import { ConfigError, loadConfig } from '@shop/platform/config';
import { startTelemetry } from '@shop/platform/telemetry';
import { SERVICE_NAME, telemetryConfigSchema } from './config';

// Loaded first by main.ts: OpenTelemetry must patch http and express before they are imported,
// so this reads only its own setting instead of waiting for the full configuration.
function otlpEndpoint(): string | undefined {
  try {
    return loadConfig(telemetryConfigSchema).OTEL_EXPORTER_OTLP_ENDPOINT;
  } catch (error) {
    // main.ts validates the whole configuration next and reports this variable by name.
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

// Every proxied route is middleware, so Express spans would add nothing but per-request work
// (about 4 % of the gateway's CPU); the proxy names each span after its routing-table prefix.
startTelemetry({ serviceName: SERVICE_NAME, otlpEndpoint: otlpEndpoint(), expressSpans: false });
