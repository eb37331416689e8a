// Scenarios for version negotiation: ApiVersions at every version clients send (librdkafka sends v3 with its name
// and falls back to v0 on INVALID_REQUEST, kafkajs v0-v2, the Java client v4), the client software name and version
// checks of v3+, the features v3+ advertise (transaction.version 2 switches Java 4 producers to transaction
// protocol 2), and a version one past the top of every API Eddy advertises, which a broker must refuse the way
// Kafka does (for every API but ApiVersions, by closing the connection).
import { ApiVersionsRequestCodec } from '../../codecs/generated/ApiVersionsRequest';
import { ApiVersionsResponseCodec, type ApiVersionsResponse } from '../../codecs/generated/ApiVersionsResponse';
import { Writer } from '../../codecs/primitives/writer';
import { requestHeaderVersion } from '../../codecs/protocol/headers';
import { HANDLERS } from '../../src/api/registry';
import { step, type Scenario, type Step } from './harness';

function byName<T extends { readonly name: string }>(features: readonly T[]): Record<string, Omit<T, 'name'>> {
  return Object.fromEntries(features.map(({ name, ...rest }) => [name, rest]));
}

/**
 * Features are compared by name (Kafka lists them in hash-map order), and the finalized epoch only for being set:
 * Kafka's is the offset of its last feature record in the metadata log, Eddy's a constant.
 */
export function apiVersions(version: number, clientSoftwareName = 'eddy-differential', clientSoftwareVersion = '1.0'): Step {
  const inner = step(ApiVersionsRequestCodec, ApiVersionsResponseCodec, version, { clientSoftwareName, clientSoftwareVersion });
  return {
    label: inner.label,
    send: async (client, history) => {
      const answer = (await inner.send(client, history)) as ApiVersionsResponse | { connectionClosed: true };
      if (!('supportedFeatures' in answer)) return answer;
      return {
        ...answer,
        supportedFeatures: byName(answer.supportedFeatures),
        finalizedFeatures: byName(answer.finalizedFeatures),
        finalizedFeaturesEpoch: answer.finalizedFeaturesEpoch >= 0n ? '<set>' : answer.finalizedFeaturesEpoch,
      };
    },
  };
}

/**
 * A request whose header names `version` of `apiKey` with a body no broker gets to read (three zero int32s): the
 * answer compared is whether the connection was closed, or the raw bytes after the correlation id.
 */
function unparsableVersion(apiKey: number, version: number, flexibleHeader: boolean): Step {
  return {
    label: `API ${apiKey} v${version}`,
    send: async (client) => {
      const writer = new Writer();
      writer.writeInt16(apiKey);
      writer.writeInt16(version);
      writer.writeInt32(1);
      writer.writeNullableString('eddy-differential');
      if (flexibleHeader) writer.writeUnsignedVarint(0);
      for (let i = 0; i < 3; i++) writer.writeInt32(0);
      client.sendRaw(writer.toBuffer());
      const frame = await client.nextFrame();
      return frame === null ? { connectionClosed: true } : { answer: frame.subarray(4).toString('hex') };
    },
  };
}

const API_VERSIONS_KEY = 18;

/** One past the top version Eddy advertises for each API (ApiVersions has its own scenario with a v0 answer). */
const UNSUPPORTED_VERSION_SCENARIOS: readonly Scenario[] = HANDLERS.filter((h) => h.apiKey !== API_VERSIONS_KEY).map((h) => ({
  name: `API key ${h.apiKey} at unsupported version ${h.maxVersion + 1} closes the connection`,
  steps: [unparsableVersion(h.apiKey, h.maxVersion + 1, requestHeaderVersion(h.apiKey, h.maxVersion) >= 2)],
}));

/** Names and versions Kafka's pattern refuses: it must start and end with a letter or digit, and hold only [a-zA-Z0-9.-]. */
const INVALID_SOFTWARE: ReadonlyArray<readonly [string, string, string]> = [
  ['an empty name', '', '1.0'],
  ['a name with a space', 'eddy differential', '1.0'],
  ['a name starting with a dash', '-eddy', '1.0'],
  ['a name ending with a dot', 'eddy.', '1.0'],
  ['a name with an underscore', 'eddy_differential', '1.0'],
  ['an empty version', 'eddy-differential', ''],
  ['a version with a plus', 'eddy-differential', '1.0+build'],
];

export const API_VERSIONS_SCENARIOS: readonly Scenario[] = [
  { name: 'ApiVersions v1', steps: [apiVersions(1)] },
  { name: 'ApiVersions v2', steps: [apiVersions(2)] },
  { name: 'ApiVersions v4', steps: [apiVersions(4)] },
  ...[3, 4].flatMap((version) =>
    INVALID_SOFTWARE.map(([label, name, softwareVersion]) => ({
      name: `ApiVersions v${version} refuses ${label}`,
      steps: [apiVersions(version, name, softwareVersion)],
    })),
  ),
  // Before v3 there are no such fields, so nothing to refuse: a v2 request is answered whatever the client is.
  { name: 'ApiVersions v3 as librdkafka 2.15.0', steps: [apiVersions(3, 'librdkafka', '2.15.0')] },
  { name: 'ApiVersions v4 as apache-kafka-java 4.3.1', steps: [apiVersions(4, 'apache-kafka-java', '4.3.1')] },
  {
    name: 'ApiVersions at version 5 answers in v0',
    steps: [step(ApiVersionsRequestCodec, ApiVersionsResponseCodec, 5, { clientSoftwareName: 'eddy-differential' }, { responseVersion: 0, bodyVersion: 4 })],
  },
  ...UNSUPPORTED_VERSION_SCENARIOS,
];
