// The parts every Confluent REST v3 resource shares: `kind`, `metadata` (`self` URL and CRN `resource_name`),
// `related` links to sub-resources, and list answers with `metadata.self` and a `data` array. URLs are absolute,
// built from the request's own host so they work behind whatever address the client used.
import type { FastifyRequest } from 'fastify';
import type { Broker } from '../../broker/broker';
import { notFound } from './rest-errors';
import { arrayOf, type JsonSchema, nullableStr, obj, str } from './json-schema';

export interface ResourceMetadata {
  readonly self: string;
  readonly resource_name: string | null;
}

export interface Related {
  readonly related: string;
}

export interface ResourceList<T> {
  readonly kind: string;
  readonly metadata: { readonly self: string; readonly next: string | null };
  readonly data: readonly T[];
}

/** URLs and CRNs under one cluster, for one request. */
export class ClusterLinks {
  readonly origin: string;
  readonly base: string;

  constructor(
    request: FastifyRequest,
    readonly clusterId: string,
  ) {
    this.origin = `${request.protocol}://${request.host}`;
    this.base = `${this.origin}/v3/clusters/${encodeURIComponent(clusterId)}`;
  }

  /** The URL of a path under the cluster, each segment escaped. */
  url(...segments: ReadonlyArray<string | number>): string {
    return [this.base, ...segments.map((s) => encodeURIComponent(String(s)))].join('/');
  }

  related(...segments: ReadonlyArray<string | number>): Related {
    return { related: this.url(...segments) };
  }

  /** Confluent's resource name: `crn:///kafka=<cluster>/topic=<name>/...` from key/value pairs. */
  crn(...pairs: ReadonlyArray<readonly [string, string | number]>): string {
    return [`crn:///kafka=${this.clusterId}`, ...pairs.map(([k, v]) => `${k}=${v}`)].join('/');
  }

  metadata(segments: ReadonlyArray<string | number>, crnPairs: ReadonlyArray<readonly [string, string | number]>): ResourceMetadata {
    return { self: this.url(...segments), resource_name: this.crn(...crnPairs) };
  }

  list<T>(kind: string, segments: ReadonlyArray<string | number>, data: readonly T[]): ResourceList<T> {
    return { kind, metadata: { self: this.url(...segments), next: null }, data };
  }
}

/** The links of a request for this broker's cluster; any other cluster id is not found, as on a REST proxy. */
export function clusterLinks(broker: Broker, request: FastifyRequest, clusterId: string): ClusterLinks {
  if (clusterId !== broker.identity.clusterId) throw notFound(`Cluster ${clusterId} cannot be found.`);
  return new ClusterLinks(request, clusterId);
}

export const relatedSchema: JsonSchema = obj({ related: str });
export const metadataSchema: JsonSchema = obj({ self: str, resource_name: nullableStr });
const listMetadataSchema: JsonSchema = obj({ self: str, next: nullableStr });

/** A resource: `kind`, `metadata`, then its own fields. */
export function resourceSchema(fields: Readonly<Record<string, JsonSchema>>, optional: readonly string[] = []): JsonSchema {
  return obj({ kind: str, metadata: metadataSchema, ...fields }, optional);
}

export function listSchema(item: JsonSchema): JsonSchema {
  return obj({ kind: str, metadata: listMetadataSchema, data: arrayOf(item) });
}

export const clusterParams: JsonSchema = obj({ cluster_id: str });
