import v8 from 'node:v8';
import { releaseStartupGarbage } from '../../src/lifecycle/release-startup-garbage';

const youngGeneration = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')!;

describe('releaseStartupGarbage', () => {
  test('When start-up left garbage and a grown young generation, then one call collects the garbage and shrinks the young generation', async () => {
    // Arrange: young objects that survive a few scavenges grow the young generation, as module loading does.
    let startupObjects: Array<{ id: number; name: string }> | undefined = [];
    for (let i = 0; i < 200_000; i++) startupObjects.push({ id: i, name: `object ${i}` });
    const grownYoung = youngGeneration().physical_space_size;
    const garbage = new WeakRef(startupObjects);
    startupObjects = undefined;

    // Act (resolving at all also shows the inspector session was closed without hanging)
    await releaseStartupGarbage();

    // Assert
    expect(garbage.deref()).toBeUndefined();
    expect(youngGeneration().physical_space_size).toBeLessThan(grownYoung / 2);
  });
});
