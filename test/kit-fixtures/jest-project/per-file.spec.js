/* global test, expect */
// One broker for this file's tests, from useBroker().
const { useBroker } = require('eddy/jest');
const { roundTrip } = require('../roundtrip.cjs');

const eddy = useBroker({ partitions: 2 });

test('kafkajs produces to and consumes from the broker of this file', async () => {
  expect(await roundTrip(eddy().bootstrap, 'jest-per-file')).toEqual(['one', 'two']);
  expect(eddy().broker.topics.get('jest-per-file').partitions).toBe(2);
});
