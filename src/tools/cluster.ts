// `eddy cluster info`: who the cluster is (id, controller, brokers from Metadata) and which version of each API
// the bootstrap broker serves beside the versions Eddy's codecs speak, with the one the tools would use.
import { API_REGISTRY } from '../../codecs/generated/api-registry';
import { pickVersion } from '../client/kafka-client';
import type { ToolArgs } from './args';
import { withClient } from './connect';
import { renderTable, toJson, writeOut } from './tool-io';

export interface ApiVersionRow {
  readonly apiKey: number;
  readonly name: string;
  readonly brokerMin: number;
  readonly brokerMax: number;
  /** What Eddy's codecs speak; null for an API they have no codec for. */
  readonly eddyMin: number | null;
  readonly eddyMax: number | null;
  /** The highest version both sides speak, null when they share none. */
  readonly shared: number | null;
}

export async function clusterInfo(args: ToolArgs): Promise<void> {
  await withClient(args, async (client) => {
    const metadata = await client.metadata([]);
    const versions = await client.bootstrapVersions();
    const apis: ApiVersionRow[] = [...versions]
      .sort(([a], [b]) => a - b)
      .map(([apiKey, range]) => {
        const spec = API_REGISTRY.get(apiKey);
        const shared = spec === undefined ? null : pickVersion({ request: spec.request, response: spec.response, oldestVersion: spec.minVersion }, range);
        return {
          apiKey,
          name: spec?.name ?? `Unknown(${apiKey})`,
          brokerMin: range.min,
          brokerMax: range.max,
          eddyMin: spec?.minVersion ?? null,
          eddyMax: spec?.maxVersion ?? null,
          shared,
        };
      });
    const brokers = metadata.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })).sort((a, b) => a.nodeId - b.nodeId);
    if (args.json) {
      await writeOut(toJson({ clusterId: metadata.clusterId, controllerId: metadata.controllerId, brokers, apiVersions: apis }) + '\n');
      return;
    }
    await writeOut(
      `Cluster id: ${metadata.clusterId ?? '-'}\nController: ${metadata.controllerId}\n\n` +
        renderTable(
          ['broker', 'host', 'port', 'rack'],
          brokers.map((b) => [b.nodeId, b.host, b.port, b.rack]),
        ) +
        '\n' +
        renderTable(
          ['key', 'api', 'broker', 'eddy', 'shared'],
          apis.map((a) => [a.apiKey, a.name, `${a.brokerMin}-${a.brokerMax}`, a.eddyMin === null ? null : `${a.eddyMin}-${a.eddyMax}`, a.shared]),
        ),
    );
  });
}
