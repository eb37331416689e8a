// DescribeCluster: v0-2.
// - This node as the only broker (never fenced) and the controller, with the advertised address of the
//   listener the request came in on.
// - v1+ EndpointType: Kafka's brokers answer only type 1 (brokers) on a broker listener; type 2 (controllers) gets
//   MISMATCHED_ENDPOINT_TYPE and any other UNSUPPORTED_ENDPOINT_TYPE, with no brokers, as Kafka 4.3.1 does.
// - Authorized operations, when asked: those the authorizer allows (0 without DESCRIBE on the cluster), every
//   cluster operation without an authorizer, as Kafka.
import { DescribeClusterRequestCodec } from '../../codecs/generated/DescribeClusterRequest';
import { DescribeClusterResponseCodec, DescribeClusterResponseInit } from '../../codecs/generated/DescribeClusterResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { BrokerConfigKeys } from '../config/broker-config';
import { defineHandler } from './handler';
import { clusterOperations, OPERATIONS_OMITTED } from './authorized-operations';

const BROKER_ENDPOINTS = 1;
const CONTROLLER_ENDPOINTS = 2;
const MISMATCHED_ENDPOINT_TYPE = 114;
const UNSUPPORTED_ENDPOINT_TYPE = 115;

function endpointTypeError(endpointType: number): DescribeClusterResponseInit {
  const [errorCode, errorMessage] =
    endpointType === CONTROLLER_ENDPOINTS
      ? [MISMATCHED_ENDPOINT_TYPE, 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER']
      : [UNSUPPORTED_ENDPOINT_TYPE, `Unsupported endpoint type ${endpointType}`];
  return { throttleTimeMs: 0, errorCode, errorMessage, endpointType: BROKER_ENDPOINTS, clusterId: '', controllerId: -1, brokers: [] };
}

export const describeClusterHandler = defineHandler({
  request: DescribeClusterRequestCodec,
  response: DescribeClusterResponseCodec,
  handle(request, ctx): DescribeClusterResponseInit {
    if (request.endpointType !== BROKER_ENDPOINTS) return endpointTypeError(request.endpointType);
    const services = ctx.services;
    const address = services.listeners.advertisedFor(ctx.listenerName);
    const nodeId = services.node.nodeId;
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: request.endpointType,
      clusterId: services.node.clusterId,
      controllerId: nodeId,
      brokers: [{ brokerId: nodeId, host: address.host, port: address.port, rack: services.config.get(BrokerConfigKeys.BROKER_RACK), isFenced: false }],
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? clusterOperations(ctx) : OPERATIONS_OMITTED,
    };
  },
});
