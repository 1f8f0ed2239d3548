import { createHash } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Context } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { samplerFromEnv } from '../../src/telemetry/sampler-from-env';

// 1000 fixed, well-spread trace ids, so ratio figures are the same on every run.
const traceIds = Array.from({ length: 1000 }, (_, i) => createHash('sha256').update(`trace ${i}`).digest('hex').slice(0, 32));

const parent = (sampled: boolean): Context =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId: traceIds[0]!,
    spanId: '00f067aa0ba902b7',
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });

/** Share of the trace ids the sampler records, under the given parent context. */
function recordedShare(env: NodeJS.ProcessEnv, context: Context = ROOT_CONTEXT, exporting = true): number {
  const sampler = samplerFromEnv(env, exporting);
  const recorded = traceIds.filter(
    (traceId) => sampler.shouldSample(context, traceId, 'GET /x', SpanKind.SERVER, {}, []).decision === SamplingDecision.RECORD_AND_SAMPLED,
  );
  return recorded.length / traceIds.length;
}

describe('samplerFromEnv', () => {
  let emitWarning: jest.SpiedFunction<typeof process.emitWarning>;
  beforeEach(() => {
    emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterEach(() => emitWarning.mockRestore());
  const warnings = () => emitWarning.mock.calls.map(([warning]) => String(warning));

  test('When nothing is set, then every new trace is recorded and an unsampled caller is followed', () => {
    expect(recordedShare({})).toBe(1);
    expect(recordedShare({}, parent(false))).toBe(0);
    expect(recordedShare({}, parent(true))).toBe(1);
  });

  test('When the process exports nothing and nothing is set, then no new trace is recorded but a sampled caller is followed', () => {
    expect(recordedShare({}, ROOT_CONTEXT, false)).toBe(0);
    expect(recordedShare({}, parent(true), false)).toBe(1);
    expect(recordedShare({}, parent(false), false)).toBe(0);
  });

  test('When the process exports nothing but a sampler is set, then the setting wins', () => {
    expect(recordedShare({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' }, ROOT_CONTEXT, false)).toBe(1);
    expect(recordedShare({ OTEL_TRACES_SAMPLER: 'sometimes' }, ROOT_CONTEXT, false)).toBe(0);
  });

  test('When always_off or always_on is set, then the caller is ignored', () => {
    expect(recordedShare({ OTEL_TRACES_SAMPLER: 'always_off' }, parent(true))).toBe(0);
    expect(recordedShare({ OTEL_TRACES_SAMPLER: 'always_on' }, parent(false))).toBe(1);
  });

  test('When parentbased_traceidratio 0.1 is set, then about a tenth of new traces is recorded and sampled callers always are', () => {
    const env = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' };
    expect(recordedShare(env)).toBeGreaterThan(0.07);
    expect(recordedShare(env)).toBeLessThan(0.13);
    expect(recordedShare(env, parent(true))).toBe(1);
  });

  test('When traceidratio 0.5 is set, then about half of the traces is recorded whatever the caller says', () => {
    const env = { OTEL_TRACES_SAMPLER: 'TraceIdRatio', OTEL_TRACES_SAMPLER_ARG: '0.5' };
    expect(recordedShare(env, parent(false))).toBeGreaterThan(0.45);
    expect(recordedShare(env, parent(false))).toBeLessThan(0.55);
  });

  test('When the sampler is unknown, then it warns and records as by default', () => {
    expect(recordedShare({ OTEL_TRACES_SAMPLER: 'sometimes' })).toBe(1);
    expect(recordedShare({ OTEL_TRACES_SAMPLER: 'sometimes' }, parent(false))).toBe(0);
    expect(warnings()[0]).toContain('OTEL_TRACES_SAMPLER=sometimes');
  });

  test('When the ratio is not between 0 and 1, then it warns and records everything', () => {
    expect(recordedShare({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '10%' })).toBe(1);
    expect(warnings()).toEqual([expect.stringContaining('OTEL_TRACES_SAMPLER_ARG=10%')]);
  });
});
