import v8 from 'node:v8';
import { releaseStartupGarbage } from '../../src/lifecycle/release-startup-garbage';

const youngGeneration = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')!;

/**
 * Young objects that survive a few scavenges grow the young generation, as module loading does.
 * Made in a frame of their own, so that once it returns only the WeakRef points at them.
 */
function leaveStartupGarbage(): { garbage: WeakRef<object>; grownYoung: number } {
  const startupObjects: Array<{ id: number; name: string }> = [];
  for (let i = 0; i < 200_000; i++) startupObjects.push({ id: i, name: `object ${i}` });
  return { garbage: new WeakRef(startupObjects), grownYoung: youngGeneration().physical_space_size };
}

describe('releaseStartupGarbage', () => {
  test('When start-up left garbage and a grown young generation, then one call collects the garbage and shrinks the young generation', async () => {
    // Arrange
    const { garbage, grownYoung } = leaveStartupGarbage();

    // Act (resolving at all also shows the inspector session was closed without hanging)
    await releaseStartupGarbage();

    // Assert
    expect(garbage.deref()).toBeUndefined();
    expect(youngGeneration().physical_space_size).toBeLessThan(grownYoung / 2);
  });
});
