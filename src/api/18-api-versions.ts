// ApiVersions: v0-4.
// - Lists exactly the handlers registered in the dispatch table, with their version ranges.
// - v3+: ClientSoftwareName/Version must match Kafka's pattern, else INVALID_REQUEST with no API list (librdkafka
//   then retries v0).
// - A version we do not serve gets the KIP-511 answer from the network layer: a v0-format body with
//   UNSUPPORTED_VERSION and, as Kafka does, only our ApiVersions range, so the client can retry with a version we know.
// - v3+ advertises the features whose behaviour Eddy implements, at Kafka 4.3.1's levels (FEATURES below):
//   transaction.version 2 makes Java 4.x producers use transaction protocol 2 (KIP-890 part 2), group.version 1
//   the KIP-848 consumer protocol, metadata.version the 4.3 protocol. Features of what Eddy does not serve (share
//   groups, streams groups, KRaft quorums, eligible leader replicas) are not advertised. The levels never change
//   (Eddy has no UpdateFeatures), so the finalized epoch is a constant.
import { ApiVersionsRequestCodec } from '../../codecs/generated/ApiVersionsRequest';
import { ApiVersionsResponseCodec, ApiVersionsResponseInit } from '../../codecs/generated/ApiVersionsResponse';
import type { Writer } from '../../codecs/primitives/writer';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';
import type { ApiVersionRange } from './services';

const API_VERSIONS_KEY = 18;

interface Feature {
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  readonly finalized: number;
}

/** Kafka 4.3.1's supported ranges and the levels a fresh 4.3.1 cluster finalizes. */
export const FEATURES: readonly Feature[] = [
  { name: 'group.version', minVersion: 0, maxVersion: 1, finalized: 1 },
  { name: 'metadata.version', minVersion: 7, maxVersion: 30, finalized: 30 },
  { name: 'transaction.version', minVersion: 0, maxVersion: 2, finalized: 2 },
];

/** Clients keep the features of the highest epoch they have seen; any epoch at or above 0 is taken. */
const FINALIZED_FEATURES_EPOCH = 0n;

type FeatureFields = Pick<ApiVersionsResponseInit, 'supportedFeatures' | 'finalizedFeatures' | 'finalizedFeaturesEpoch'>;

function featureFields(supported: readonly Feature[]): FeatureFields {
  return {
    supportedFeatures: supported.map((f) => ({ name: f.name, minVersion: f.minVersion, maxVersion: f.maxVersion })),
    finalizedFeaturesEpoch: FINALIZED_FEATURES_EPOCH,
    finalizedFeatures: FEATURES.map((f) => ({ name: f.name, minVersionLevel: f.finalized, maxVersionLevel: f.finalized })),
  };
}

/** KIP-1022: clients before v4 cannot take a supported range starting at 0, so those features are left out for them. */
const FEATURE_FIELDS_V3 = featureFields(FEATURES.filter((f) => f.minVersion > 0));
const FEATURE_FIELDS = featureFields(FEATURES);
const SOFTWARE_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

function apiKeys(handlers: ReadonlyMap<number, ApiVersionRange>): ApiVersionRange[] {
  return [...handlers.values()].sort((a, b) => a.apiKey - b.apiKey).map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
}

export function encodeApiVersionsFallback(writer: Writer, handlers: ReadonlyMap<number, ApiVersionRange>): void {
  const body: ApiVersionsResponseInit = { errorCode: ErrorCode.UNSUPPORTED_VERSION, apiKeys: apiKeys(handlers).filter((k) => k.apiKey === API_VERSIONS_KEY) };
  ApiVersionsResponseCodec.encode(body, writer, 0);
}

export const apiVersionsHandler = defineHandler({
  request: ApiVersionsRequestCodec,
  response: ApiVersionsResponseCodec,
  handle(request, ctx): ApiVersionsResponseInit {
    const keys = apiKeys(ctx.services.apis);
    if (ctx.apiVersion >= 3 && (!SOFTWARE_PATTERN.test(request.clientSoftwareName) || !SOFTWARE_PATTERN.test(request.clientSoftwareVersion))) {
      // Kafka's error answer lists no APIs: the client learns nothing until it asks again in a form the broker accepts.
      return { errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [], throttleTimeMs: 0 };
    }
    return { errorCode: ErrorCode.NONE, apiKeys: keys, throttleTimeMs: 0, ...(ctx.apiVersion >= 4 ? FEATURE_FIELDS : FEATURE_FIELDS_V3) };
  },
});
