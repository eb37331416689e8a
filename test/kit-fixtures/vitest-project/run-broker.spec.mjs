// The broker the global setup started for the whole run, found through EDDY_BOOTSTRAP_SERVER and inject().
import { createRequire } from 'node:module';
import { expect, inject, test } from 'vitest';
import { runBootstrap } from 'eddy/vitest';

const { roundTrip } = createRequire(import.meta.url)('../roundtrip.cjs');

test('kafkajs produces to and consumes from the run-wide broker', async () => {
  expect(inject('eddyBootstrap')).toBe(runBootstrap());
  expect(await roundTrip(runBootstrap(), 'vitest-run-wide')).toEqual(['one', 'two']);
});
