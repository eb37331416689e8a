// Request/response header handling. The header version is not on the wire: it follows from the API key and
// version, so the first four bytes are read before deciding how to parse the rest.

import { API_VERSION_FACTS } from '../generated/api-version-facts';
import { RequestHeaderCodec } from '../generated/RequestHeader';
import { Reader } from '../primitives/reader';
import { Writer } from '../primitives/writer';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

const API_VERSIONS_KEY = 18;
/** KIP-511: ApiVersions v3+ uses the flexible header even for versions newer than the broker knows. */
const API_VERSIONS_FIRST_FLEXIBLE = 3;

function isFlexible(apiKey: number, apiVersion: number): boolean {
  if (apiKey === API_VERSIONS_KEY) return apiVersion >= API_VERSIONS_FIRST_FLEXIBLE;
  const spec = API_VERSION_FACTS.get(apiKey);
  if (spec === undefined || spec.flexibleMinVersion === null) return false;
  return apiVersion >= spec.flexibleMinVersion;
}

/** 2 for flexible request versions, otherwise 1 (also for unknown APIs, so their fixed fields stay readable). */
export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  return isFlexible(apiKey, apiVersion) ? 2 : 1;
}

/** 1 for flexible versions, otherwise 0; ApiVersions always answers with 0 so any client can parse the reply. */
export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === API_VERSIONS_KEY) return 0;
  return isFlexible(apiKey, apiVersion) ? 1 : 0;
}

export function decodeRequestHeader(reader: Reader): RequestHeader {
  reader.ensure(4);
  const apiKey = reader.buffer.readInt16BE(reader.offset);
  const apiVersion = reader.buffer.readInt16BE(reader.offset + 2);
  const decoded = RequestHeaderCodec.decode(reader, requestHeaderVersion(apiKey, apiVersion));
  return {
    apiKey: decoded.requestApiKey,
    apiVersion: decoded.requestApiVersion,
    correlationId: decoded.correlationId,
    clientId: decoded.clientId,
  };
}

/** The client side of the same rules; used by tests and tools that talk to the broker. */
export function encodeRequestHeader(writer: Writer, header: RequestHeader): void {
  RequestHeaderCodec.encode(
    {
      requestApiKey: header.apiKey,
      requestApiVersion: header.apiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId,
    },
    writer,
    requestHeaderVersion(header.apiKey, header.apiVersion),
  );
}

export function encodeResponseHeader(writer: Writer, apiKey: number, apiVersion: number, correlationId: number): void {
  writer.writeInt32(correlationId);
  if (responseHeaderVersion(apiKey, apiVersion) === 1) writer.writeEmptyTaggedFields();
}
