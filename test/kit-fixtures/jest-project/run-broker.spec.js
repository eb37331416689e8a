/* global test, expect */
// The broker the global setup started for the whole run, found through EDDY_BOOTSTRAP_SERVER.
const { runBootstrap } = require('eddy/jest');
const { roundTrip } = require('../roundtrip.cjs');

test('kafkajs produces to and consumes from the run-wide broker', async () => {
  expect(runBootstrap()).toBe(process.env.EDDY_BOOTSTRAP_SERVER);
  expect(await roundTrip(runBootstrap(), 'jest-run-wide')).toEqual(['one', 'two']);
});
