// The reference Apache Kafka broker starts, answers Eddy's own codecs over a raw socket, and stops without leaving
// a process behind: the ground the differential suite (issue 16) stands on.
import { ApiVersionsRequestCodec } from '../../codecs/generated/ApiVersionsRequest';
import { ApiVersionsResponseCodec } from '../../codecs/generated/ApiVersionsResponse';
import { MetadataRequestCodec } from '../../codecs/generated/MetadataRequest';
import { MetadataResponseCodec } from '../../codecs/generated/MetadataResponse';
import { withRawClient } from '../helpers/raw-client';
import { describeWithReferenceKafka, startReferenceKafka } from '../helpers/reference-kafka';

const PRODUCE = 0;
const FETCH = 1;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describeWithReferenceKafka('reference Apache Kafka', () => {
  test('starts, answers ApiVersions v3 and Metadata v12, and stops by pid', async () => {
    const kafka = await startReferenceKafka();
    try {
      await withRawClient(kafka.port, async (client) => {
        const versions = await client.request(ApiVersionsRequestCodec, ApiVersionsResponseCodec, 3, {
          clientSoftwareName: 'eddy-reference-test',
          clientSoftwareVersion: '1.0',
        });
        expect(versions.errorCode).toBe(0);
        const keys = versions.apiKeys.map((api) => api.apiKey);
        expect(keys).toEqual(expect.arrayContaining([PRODUCE, FETCH]));

        const metadata = await client.request(MetadataRequestCodec, MetadataResponseCodec, 12, { topics: [] });
        expect(metadata.errorCode).toBe(0);
        expect(metadata.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
        expect(metadata.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: kafka.port, rack: null }]);
        expect(metadata.controllerId).toBe(1);
        expect(metadata.topics).toEqual([]);
      });
    } finally {
      await kafka.stop();
    }
    expect(isAlive(kafka.pid)).toBe(false);
  }, 180_000);
});
