import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace';

/**
 * The sampler named by the standard OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG variables
 * (OpenTelemetry's SDK environment variable specification), default parentbased_always_on.
 * Written here because sdk-trace 3 left environment configuration to sdk-node, which this
 * platform does not load (see startTelemetry). As the specification asks, an unknown sampler or
 * an invalid ratio is warned about and replaced by the default, rather than stopping the service.
 */
export function samplerFromEnv(env: NodeJS.ProcessEnv = process.env): Sampler {
  const name = (env.OTEL_TRACES_SAMPLER ?? '').trim().toLowerCase() || 'parentbased_always_on';
  const ratio = () => {
    const arg = env.OTEL_TRACES_SAMPLER_ARG;
    const value = arg === undefined || arg.trim() === '' ? 1 : Number(arg);
    if (Number.isFinite(value) && value >= 0 && value <= 1) return value;
    process.emitWarning(`OTEL_TRACES_SAMPLER_ARG=${arg} is not a ratio between 0 and 1; sampling everything`);
    return 1;
  };
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio());
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio()) });
    default:
      process.emitWarning(`OTEL_TRACES_SAMPLER=${env.OTEL_TRACES_SAMPLER} is not a sampler this service knows; using parentbased_always_on`);
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
