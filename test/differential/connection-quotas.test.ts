// KIP-612's per-address connection_creation_rate played against Eddy and the reference Kafka: the same quota set
// through AlterClientQuotas, the same burst of connections, and the same outcome on both: the connections within
// the rate are served, the one over it is accepted but never answered and closed after the throttle time, and the
// next one after that is served again; and max.connections.per.ip, set as a cluster-wide default at run time, closes
// the connection one over it at once. Quota windows are 3 of 1 s on both, so a rate of 2 lets a burst of 4 through.
import type { Broker } from '../../src/broker/broker';
import { removeDir, startInProcess } from '../helpers/broker';
import { RawClient } from '../helpers/raw-client';
import { describeWithReferenceKafka, startReferenceKafka, type ReferenceKafka } from '../helpers/reference-kafka';
import { ApiVersionsRequestCodec } from '../../codecs/generated/ApiVersionsRequest';
import { AlterClientQuotasRequestCodec } from '../../codecs/generated/AlterClientQuotasRequest';
import { AlterClientQuotasResponseCodec } from '../../codecs/generated/AlterClientQuotasResponse';
import { IncrementalAlterConfigsRequestCodec } from '../../codecs/generated/IncrementalAlterConfigsRequest';
import { IncrementalAlterConfigsResponseCodec } from '../../codecs/generated/IncrementalAlterConfigsResponse';

jest.setTimeout(120_000);

const WINDOWS = { 'quota.window.num': '3', 'quota.window.size.seconds': '1' };

/** What a connection's ApiVersions got: its error code, or how long the broker took to close it unanswered. */
async function outcome(port: number): Promise<{ answered: number } | { closedAfterMs: number }> {
  const client = await RawClient.connect(port);
  const started = Date.now();
  try {
    client.send(ApiVersionsRequestCodec, 3, { clientSoftwareName: 'quota-diff', clientSoftwareVersion: '1' });
    const frame = await client.nextFrame(10_000);
    return frame === null ? { closedAfterMs: Date.now() - started } : { answered: frame.readInt16BE(4) };
  } finally {
    client.close();
  }
}

async function setAddressQuota(port: number, rate: number | null): Promise<void> {
  const client = await RawClient.connect(port);
  try {
    const res = await client.request(AlterClientQuotasRequestCodec, AlterClientQuotasResponseCodec, 1, {
      entries: [
        { entity: [{ entityType: 'ip', entityName: '127.0.0.1' }], ops: [{ key: 'connection_creation_rate', value: rate ?? 0, remove: rate === null }] },
      ],
      validateOnly: false,
    });
    expect(res.entries.map((e) => e.errorCode)).toEqual([0]);
  } finally {
    client.close();
  }
}

/** The burst: four connections at once within the rate, one over it, then one more once it has been closed. */
async function burst(port: number): Promise<{ within: number[]; over: string; after: number | string }> {
  const within = await Promise.all([outcome(port), outcome(port), outcome(port), outcome(port)]);
  const over = await outcome(port);
  const after = await outcome(port);
  const describe = (o: { answered: number } | { closedAfterMs: number }): string =>
    'answered' in o
      ? `answered ${o.answered}`
      : o.closedAfterMs >= 300 && o.closedAfterMs < 3000
        ? 'closed unanswered after the throttle'
        : `closed after ${o.closedAfterMs} ms`;
  return {
    within: within.map((o) => ('answered' in o ? o.answered : -1)),
    over: describe(over),
    after: 'answered' in after ? after.answered : describe(after),
  };
}

/** Sets a cluster-wide broker default, as kafka-configs --entity-type brokers --entity-default does. */
async function setBrokerDefault(port: number, name: string, value: string): Promise<void> {
  const client = await RawClient.connect(port);
  try {
    const res = await client.request(IncrementalAlterConfigsRequestCodec, IncrementalAlterConfigsResponseCodec, 1, {
      resources: [{ resourceType: 4, resourceName: '', configs: [{ name, configOperation: 0, value }] }],
      validateOnly: false,
    });
    expect(res.responses.map((r) => r.errorCode)).toEqual([0]);
  } finally {
    client.close();
  }
}

describeWithReferenceKafka('differential: connection quotas and limits, Eddy against the reference Kafka', () => {
  let kafka: ReferenceKafka | undefined;
  let eddy: { broker: Broker; dataDir: string } | undefined;

  beforeAll(async () => {
    [kafka, eddy] = await Promise.all([startReferenceKafka({ properties: WINDOWS }), startInProcess(undefined, WINDOWS)]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([kafka?.stop(), eddy?.broker.stop()]);
    if (eddy !== undefined) removeDir(eddy.dataDir);
  }, 30_000);

  test('the connection over the rate is held unanswered and closed; those within it and the next are served', async () => {
    if (kafka === undefined || eddy === undefined) throw new Error('brokers did not start');
    const ports = { eddy: eddy.broker.port, kafka: kafka.port };
    await Promise.all([setAddressQuota(ports.eddy, 2), setAddressQuota(ports.kafka, 2)]);
    // Kafka's broker applies the quota once its controller's record reaches it; the old rate windows expire too.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const results = { eddy: await burst(ports.eddy), kafka: await burst(ports.kafka) };
    expect(results.eddy).toEqual({ within: [0, 0, 0, 0], over: 'closed unanswered after the throttle', after: 0 });
    expect(results.eddy).toEqual(results.kafka);
  });

  test('max.connections.per.ip set at run time: the connection one over it is closed at once, unanswered', async () => {
    if (kafka === undefined || eddy === undefined) throw new Error('brokers did not start');
    const ports = { eddy: eddy.broker.port, kafka: kafka.port };
    // The rate windows of the test before expire first, then its quota goes.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    await Promise.all([setAddressQuota(ports.eddy, null), setAddressQuota(ports.kafka, null)]);
    await Promise.all([setBrokerDefault(ports.eddy, 'max.connections.per.ip', '3'), setBrokerDefault(ports.kafka, 'max.connections.per.ip', '3')]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const results: Record<string, unknown> = {};
    for (const [name, port] of Object.entries(ports)) {
      const held = [await RawClient.connect(port), await RawClient.connect(port), await RawClient.connect(port)];
      try {
        const over = await outcome(port);
        held[0].close();
        await new Promise((resolve) => setTimeout(resolve, 300));
        results[name] = { over: 'answered' in over ? over : over.closedAfterMs < 1000 ? 'closed at once' : 'closed late', afterOneLeft: await outcome(port) };
      } finally {
        for (const c of held) c.close();
      }
    }
    expect(results.eddy).toEqual({ over: 'closed at once', afterOneLeft: { answered: 0 } });
    expect(results.eddy).toEqual(results.kafka);
  });
});
