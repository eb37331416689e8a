// One broker for this file's tests, from useBroker(), and one per test with scope 'test'.
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { useBroker } from 'eddy/vitest';

// The shared kafkajs check is CommonJS, loaded by Node itself.
const { roundTrip } = createRequire(import.meta.url)('../roundtrip.cjs');

describe('a broker per file', () => {
  const eddy = useBroker({ partitions: 2 });

  test('kafkajs produces to and consumes from it', async () => {
    expect(await roundTrip(eddy().bootstrap, 'vitest-per-file')).toEqual(['one', 'two']);
    expect(eddy().broker.topics.get('vitest-per-file').partitions).toBe(2);
  });
});

describe('a broker per test', () => {
  const eddy = useBroker({ scope: 'test' });
  const seen = [];

  test('the first test has one', async () => {
    seen.push(eddy().bootstrap);
    await eddy().createTopic('mine');
  });

  test('the next test has another, without the first one’s topic', () => {
    expect(eddy().broker.topics.get('mine')).toBeUndefined();
    expect(seen).toHaveLength(1);
  });
});
