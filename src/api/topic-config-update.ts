// Applies a new set of configs to a resource after validating them, for AlterConfigs and IncrementalAlterConfigs:
// a topic's overrides, or the dynamic broker configs of the cluster-wide default ("") or of this broker (its id).
import { ErrorCode, KafkaError } from '../../codecs/protocol/errors';
import type { BrokerServices } from './services';
import { checkAlterBrokerResourceName, checkBrokerResourceName, ResourceType } from './config-resources';

export interface ResourceOutcome {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly resourceType: number;
  readonly resourceName: string;
}

/** One resource of an AlterConfigs or IncrementalAlterConfigs request. */
export interface ConfigResourceRequest {
  readonly resourceType: number;
  readonly resourceName: string;
}

/** Updates each resource in request order; `computeFor` gives how a resource's overrides change. */
export async function updateResources<R extends ConfigResourceRequest>(
  services: BrokerServices,
  resources: readonly R[],
  validateOnly: boolean,
  computeFor: (resource: R) => (current: Readonly<Record<string, string>>) => Record<string, string>,
): Promise<ResourceOutcome[]> {
  const outcomes: ResourceOutcome[] = [];
  for (const r of resources) outcomes.push(await updateResourceConfigs(services, r.resourceType, r.resourceName, validateOnly, computeFor(r)));
  return outcomes;
}

/**
 * Runs `compute` to get a resource's new overrides, validates and (unless validateOnly) stores them, and turns
 * expected failures into the resource's error code.
 */
export async function updateResourceConfigs(
  services: BrokerServices,
  resourceType: number,
  resourceName: string,
  validateOnly: boolean,
  compute: (current: Readonly<Record<string, string>>) => Record<string, string>,
): Promise<ResourceOutcome> {
  const base = { resourceType, resourceName };
  try {
    if (resourceType === ResourceType.TOPIC) {
      const topic = services.topics.get(resourceName);
      if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${resourceName}' does not exist.`);
      const next = compute(topic.configs);
      services.topics.validateConfigs(next);
      if (!validateOnly) await services.topics.alterConfigs(resourceName, next);
    } else if (resourceType === ResourceType.BROKER) {
      checkAlterBrokerResourceName(services, resourceName);
      const scope = resourceName === '' ? 'default' : 'broker';
      await services.dynamicConfigs.update(scope, compute, validateOnly);
    } else if (resourceType === ResourceType.BROKER_LOGGER) {
      checkBrokerResourceName(services, resourceName);
      const next = compute({});
      if (Object.keys(next).length > 0) {
        throw new KafkaError(ErrorCode.INVALID_CONFIG, 'Eddy has no per-logger levels to change');
      }
    } else {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown resource type ${resourceType}`);
    }
    return { ...base, errorCode: ErrorCode.NONE, errorMessage: null };
  } catch (err) {
    if (!(err instanceof KafkaError)) throw err;
    // An error without a message answers null, as Kafka's ApiError does for an exception without one.
    return { ...base, errorCode: err.code, errorMessage: err.message === '' ? null : err.message };
  }
}
