// DescribeCluster: v0-2.
// - This node as the only broker (never fenced) and the controller, with the advertised address of the
//   listener the request came in on. EndpointType 2 (controllers) lists the same node: it is combined-mode.
import { DescribeClusterRequestCodec } from '../../codecs/generated/DescribeClusterRequest';
import { DescribeClusterResponseCodec, DescribeClusterResponseInit } from '../../codecs/generated/DescribeClusterResponse';
import { ErrorCode } from '../cluster/errors';
import { defineHandler } from './handler';

export const describeClusterHandler = defineHandler({
  request: DescribeClusterRequestCodec,
  response: DescribeClusterResponseCodec,
  handle(request, ctx): DescribeClusterResponseInit {
    const broker = ctx.broker;
    const address = broker.advertisedFor(ctx.listenerName);
    const nodeId = broker.identity.nodeId;
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: request.endpointType,
      clusterId: broker.identity.clusterId,
      controllerId: nodeId,
      brokers: [{ brokerId: nodeId, host: address.host, port: address.port, rack: null, isFenced: false }],
    };
  },
});
