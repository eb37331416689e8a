// Dynamic broker configs end to end (issue 21, item 6): kafkajs's admin and raw IncrementalAlterConfigs change the
// cluster-wide default and this broker's own values at run time; existing partition logs take the new effective
// config at once (segment rolls, retention), the values survive a restart, and deleting one restores the static value.
import * as fs from 'fs';
import * as path from 'path';
import { ConfigResourceTypes } from 'kafkajs';
import { DescribeConfigsRequestCodec } from '../../codecs/generated/DescribeConfigsRequest';
import { DescribeConfigsResponseCodec, type DescribeConfigsResponse } from '../../codecs/generated/DescribeConfigsResponse';
import {
  IncrementalAlterConfigsRequestCodec,
  type IncrementalAlterConfigsRequestAlterableConfigInit,
} from '../../codecs/generated/IncrementalAlterConfigsRequest';
import { IncrementalAlterConfigsResponseCodec } from '../../codecs/generated/IncrementalAlterConfigsResponse';
import type { PartitionLog } from '../../storage';
import { AlterOp, ResourceType } from '../../src/api/config-resources';
import { ConfigSource } from '../../src/config/config-sources';
import { DYNAMIC_BROKER_CONFIGS_FILE } from '../../src/config/dynamic-broker-configs';
import { brokerPerSuite } from '../helpers/broker';
import { connectAdminAndProducer, kafkaClient, withAdmin } from '../helpers/kafkajs';
import { withRawClient } from '../helpers/raw-client';

jest.setTimeout(60000);

const { TOPIC, BROKER } = ResourceType;
const { SET, DELETE } = AlterOp;
const { DYNAMIC_BROKER_CONFIG, DYNAMIC_DEFAULT_BROKER_CONFIG, DEFAULT_CONFIG } = ConfigSource;
const STATIC_RETENTION_MS = 2 * 3_600_000;

describe('dynamic broker configs', () => {
  // A static retention, so that deleting a dynamic value visibly restores it.
  const eddy = brokerPerSuite({ dataDirPrefix: 'eddy-dyncfg-it-', overrides: { 'log.retention.hours': '2' } });

  async function alterBroker(
    resourceName: string,
    configs: IncrementalAlterConfigsRequestAlterableConfigInit[],
  ): Promise<{ code: number; message: string | null }> {
    const res = await withRawClient(eddy.broker.port, (client) =>
      client.request(IncrementalAlterConfigsRequestCodec, IncrementalAlterConfigsResponseCodec, 1, {
        resources: [{ resourceType: BROKER, resourceName, configs }],
        validateOnly: false,
      }),
    );
    return { code: res.responses[0].errorCode, message: res.responses[0].errorMessage };
  }

  function describe1(resourceType: number, resourceName: string, keys: string[]): Promise<DescribeConfigsResponse> {
    return withRawClient(eddy.broker.port, (client) =>
      client.request(DescribeConfigsRequestCodec, DescribeConfigsResponseCodec, 4, {
        resources: [{ resourceType, resourceName, configurationKeys: keys }],
        includeSynonyms: true,
        includeDocumentation: false,
      }),
    );
  }

  function partitionLog(topic: string): PartitionLog {
    const log = eddy.broker.logs.partition(topic, 0);
    if (log === undefined) throw new Error(`${topic}-0 is not open`);
    return log;
  }

  async function produce(topic: string, batches: number): Promise<void> {
    const { admin, producer } = await connectAdminAndProducer(kafkaClient(eddy.bootstrap, 'dyncfg-producer'));
    try {
      for (let i = 0; i < batches; i++) await producer.send({ topic, messages: [{ key: `k${i}`, value: 'x'.repeat(200) }] });
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  }

  test("kafkajs alterConfigs of this broker's retention reaches a topic without its own, and an empty set restores the static value", async () => {
    const kafka = kafkaClient(eddy.bootstrap, 'dyncfg-admin');
    const nodeId = String(eddy.broker.identity.nodeId);
    await withAdmin(kafka, async (admin) => {
      await admin.createTopics({ topics: [{ topic: 'dyn-kafkajs', numPartitions: 1 }] });
      await admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: ConfigResourceTypes.BROKER, name: nodeId, configEntries: [{ name: 'log.retention.ms', value: '3600000' }] }],
      });
      const described = await admin.describeConfigs({
        includeSynonyms: true,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: 'dyn-kafkajs', configNames: ['retention.ms'] }],
      });
      expect(described.resources[0].configEntries[0]).toMatchObject({ configValue: '3600000', configSource: DYNAMIC_BROKER_CONFIG });
      expect(partitionLog('dyn-kafkajs').config.retentionMs).toBe(3_600_000);

      await expect(
        admin.alterConfigs({
          validateOnly: false,
          resources: [{ type: ConfigResourceTypes.BROKER, name: nodeId, configEntries: [{ name: 'num.partitions', value: '3' }] }],
        }),
      ).rejects.toMatchObject({ type: 'INVALID_REQUEST' });

      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.BROKER, name: nodeId, configEntries: [] }] });
      expect(partitionLog('dyn-kafkajs').config.retentionMs).toBe(STATIC_RETENTION_MS);
    });
  });

  test('a cluster-wide log.segment.bytes set over a raw socket rolls the segments of an existing topic at once', async () => {
    await withAdmin(kafkaClient(eddy.bootstrap, 'dyncfg-roll'), (admin) => admin.createTopics({ topics: [{ topic: 'dyn-roll', numPartitions: 1 }] }));
    await produce('dyn-roll', 2);
    expect(partitionLog('dyn-roll').segmentCount()).toBe(1);

    expect(await alterBroker('', [{ name: 'log.segment.bytes', configOperation: SET, value: '1024' }])).toEqual({ code: 0, message: null });
    await produce('dyn-roll', 10);
    expect(partitionLog('dyn-roll').segmentCount()).toBeGreaterThan(1);

    expect(await alterBroker('', [{ name: 'log.segment.bytes', configOperation: DELETE, value: null }])).toEqual({ code: 0, message: null });
    expect(partitionLog('dyn-roll').config.segmentBytes).toBe(1073741824);
    const cluster = await describe1(BROKER, '', ['log.segment.bytes']);
    expect(cluster.results[0].configs).toEqual([]);
  });

  test('a cluster-wide log.retention.ms deletes old segments at the next retention check', async () => {
    const topic = 'dyn-retention';
    await withAdmin(kafkaClient(eddy.bootstrap, 'dyncfg-retention'), (admin) =>
      admin.createTopics({ topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'segment.bytes', value: '1024' }] }] }),
    );
    await produce(topic, 12);
    const log = partitionLog(topic);
    expect(log.segmentCount()).toBeGreaterThan(2);
    await eddy.broker.logs.runBackgroundTasks();
    expect(log.logStartOffset).toBe(0n);

    expect(await alterBroker('', [{ name: 'log.retention.ms', configOperation: SET, value: '1' }])).toEqual({ code: 0, message: null });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await eddy.broker.logs.runBackgroundTasks();
    expect(log.logStartOffset).toBeGreaterThan(0n);
    expect(await alterBroker('', [{ name: 'log.retention.ms', configOperation: DELETE, value: null }])).toEqual({ code: 0, message: null });
  });

  test('dynamic values survive a restart, and deleting one afterwards restores the static value', async () => {
    await withAdmin(kafkaClient(eddy.bootstrap, 'dyncfg-restart'), (admin) => admin.createTopics({ topics: [{ topic: 'dyn-restart', numPartitions: 1 }] }));
    expect(await alterBroker('', [{ name: 'log.retention.ms', configOperation: SET, value: '3600000' }])).toEqual({ code: 0, message: null });
    expect(fs.existsSync(path.join(eddy.dataDir, DYNAMIC_BROKER_CONFIGS_FILE))).toBe(true);

    await eddy.restart();
    const topic = await describe1(TOPIC, 'dyn-restart', ['retention.ms']);
    expect(topic.results[0].configs[0]).toMatchObject({ value: '3600000', configSource: DYNAMIC_DEFAULT_BROKER_CONFIG });
    // A clean restart leaves stored partitions unloaded until a request needs them; they load with the new defaults.
    expect((await eddy.broker.logs.loadedPartition('dyn-restart', 0))?.config.retentionMs).toBe(3_600_000);

    expect(await alterBroker('', [{ name: 'log.retention.ms', configOperation: DELETE, value: null }])).toEqual({ code: 0, message: null });
    expect(partitionLog('dyn-restart').config.retentionMs).toBe(STATIC_RETENTION_MS);
    const broker = await describe1(BROKER, String(eddy.broker.identity.nodeId), ['log.retention.ms']);
    expect(broker.results[0].configs[0]).toMatchObject({ value: null, configSource: DEFAULT_CONFIG });
  });
});
