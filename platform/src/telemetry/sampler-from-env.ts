import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace';

/**
 * The sampler named by the standard OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG variables
 * (OpenTelemetry's SDK environment variable specification). Written here because sdk-trace 3
 * left environment configuration to sdk-node, which this platform does not load (see
 * startTelemetry). As the specification asks, an unknown sampler or an invalid ratio is warned
 * about and replaced by the default, rather than stopping the service.
 *
 * The default depends on whether this process exports spans: parentbased_always_on when it does;
 * parentbased_always_off when it does not, since a recorded span that goes nowhere is pure cost
 * (span objects, attributes: about a third of the tracing CPU in bench profiles). Trace ids are
 * made and propagated either way, so log lines and messages still carry them, and a caller's
 * sampled trace is still followed. A process that exports nothing in front of ones that do (a
 * gateway without an endpoint) sets OTEL_TRACES_SAMPLER=parentbased_always_on to start traces.
 */
export function samplerFromEnv(env: NodeJS.ProcessEnv = process.env, exporting = true): Sampler {
  const fallback = exporting ? 'parentbased_always_on' : 'parentbased_always_off';
  const name = (env.OTEL_TRACES_SAMPLER ?? '').trim().toLowerCase() || fallback;
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
      process.emitWarning(`OTEL_TRACES_SAMPLER=${env.OTEL_TRACES_SAMPLER} is not a sampler this service knows; using ${fallback}`);
      return new ParentBasedSampler({ root: exporting ? new AlwaysOnSampler() : new AlwaysOffSampler() });
  }
}
