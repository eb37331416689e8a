// ApiVersions: v0-4.
// - Lists exactly the handlers registered in the dispatch table, with their version ranges.
// - v3+: ClientSoftwareName/Version must match Kafka's pattern, else INVALID_REQUEST with no API list (librdkafka
//   then retries v0).
// - A version we do not serve gets the KIP-511 answer from the network layer: a v0-format body with
//   UNSUPPORTED_VERSION and, as Kafka does, only our ApiVersions range, so the client can retry with a version we know.
// - Left out: feature flags (SupportedFeatures/FinalizedFeatures stay empty; single-node, nothing to finalize).
import { ApiVersionsRequestCodec } from '../../codecs/generated/ApiVersionsRequest';
import { ApiVersionsResponseCodec, ApiVersionsResponseInit } from '../../codecs/generated/ApiVersionsResponse';
import type { Writer } from '../../codecs/primitives/writer';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';
import type { ApiVersionRange } from './services';

const API_VERSIONS_KEY = 18;
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
    return { errorCode: ErrorCode.NONE, apiKeys: keys, throttleTimeMs: 0 };
  },
});
