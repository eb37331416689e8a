// The names /metrics gives requests are Kafka's, for every API the dispatch table serves.
import { API_REGISTRY } from '../../../codecs/generated/api-registry';
import { buildHandlerTable } from '../../../src/api/registry';
import { API_NAMES, apiName } from '../../../src/http/api-names';

test('every served API has its codec’s name, and the table names nothing else', () => {
  const served = [...buildHandlerTable().keys()].sort((a, b) => a - b);
  expect([...API_NAMES.keys()]).toEqual(served);
  for (const key of served) expect(apiName(key)).toBe(API_REGISTRY.get(key)?.name);
});

test('an API missing from the table is still labelled', () => {
  expect(apiName(27)).toBe('api_27');
});
