// DescribeCluster: v0-2.
// - This node as the only broker (never fenced) and the controller, with the advertised address of the
//   listener the request came in on. EndpointType 2 (controllers) lists the same node: it is combined-mode.
import { DescribeClusterRequestCodec } from '../../codecs/generated/DescribeClusterRequest';
import { DescribeClusterResponseCodec, DescribeClusterResponseInit } from '../../codecs/generated/DescribeClusterResponse';
import { ErrorCode } from '../../codecs/protocol/errors';
import { defineHandler } from './handler';

export const describeClusterHandler = defineHandler({
  request: DescribeClusterRequestCodec,
  response: DescribeClusterResponseCodec,
  handle(request, ctx): DescribeClusterResponseInit {
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
      brokers: [{ brokerId: nodeId, host: address.host, port: address.port, rack: null, isFenced: false }],
    };
  },
});
