import { DependencyUnavailableError, jitteredRetryAfterSeconds } from '../../src/errors';

describe('jitteredRetryAfterSeconds', () => {
  test('When the random draw is at either end, then the value is the base or twice the base', () => {
    expect(jitteredRetryAfterSeconds(5, () => 0)).toBe(5);
    expect(jitteredRetryAfterSeconds(5, () => 0.999_999)).toBe(10);
    expect(jitteredRetryAfterSeconds(1, () => 0)).toBe(1);
    expect(jitteredRetryAfterSeconds(1, () => 0.999_999)).toBe(2);
  });

  test('When the base is below one second or fractional, then it is rounded up to a whole second first', () => {
    expect(jitteredRetryAfterSeconds(0, () => 0)).toBe(1);
    expect(jitteredRetryAfterSeconds(-3, () => 0)).toBe(1);
    expect(jitteredRetryAfterSeconds(2.1, () => 0)).toBe(3);
  });

  test('When drawn many times, then every whole value of [base, 2 × base] occurs and nothing outside it', () => {
    const values = Array.from({ length: 2000 }, () => jitteredRetryAfterSeconds(4));

    expect(values.every((v) => Number.isInteger(v) && v >= 4 && v <= 8)).toBe(true);
    expect(new Set(values)).toEqual(new Set([4, 5, 6, 7, 8]));
  });
});

describe('DependencyUnavailableError', () => {
  test('When many clients are refused with the same base, then their Retry-After headers differ, all whole seconds within [base, 2 × base]', () => {
    // Act
    const headers = Array.from({ length: 200 }, () => new DependencyUnavailableError('user-service', 5).headers['Retry-After']);

    // Assert
    const seconds = headers.map(Number);
    expect(headers.every((h) => /^\d+$/.test(h ?? ''))).toBe(true);
    expect(seconds.every((s) => s >= 5 && s <= 10)).toBe(true);
    expect(new Set(seconds).size).toBeGreaterThan(1);
    // A herd of 200 split over 6 seconds: no second gets more than half of them.
    const busiest = Math.max(...[5, 6, 7, 8, 9, 10].map((s) => seconds.filter((x) => x === s).length));
    expect(busiest).toBeLessThan(100);
  });

  test('When the base is one second, then clients are split between 1 and 2 seconds', () => {
    const seconds = Array.from({ length: 200 }, () => new DependencyUnavailableError('user-service', 1).retryAfterSeconds);

    expect(new Set(seconds)).toEqual(new Set([1, 2]));
  });
});
