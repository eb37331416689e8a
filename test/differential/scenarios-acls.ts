// Seed scenarios for the ACL APIs (DescribeAcls, CreateAcls, DeleteAcls) on a broker without an authorizer, as
// Eddy always is and the reference broker is here: Kafka answers each with SECURITY_DISABLED and its own message,
// which clients read as "ACLs are off" (MirrorMaker 2 asks DescribeAcls when it syncs topic ACLs).
import { CreateAclsRequestCodec } from '../../codecs/generated/CreateAclsRequest';
import { CreateAclsResponseCodec } from '../../codecs/generated/CreateAclsResponse';
import { DeleteAclsRequestCodec } from '../../codecs/generated/DeleteAclsRequest';
import { DeleteAclsResponseCodec } from '../../codecs/generated/DeleteAclsResponse';
import { DescribeAclsRequestCodec } from '../../codecs/generated/DescribeAclsRequest';
import { DescribeAclsResponseCodec } from '../../codecs/generated/DescribeAclsResponse';
import { step, type Scenario } from './harness';

// Kafka's enum codes (org.apache.kafka.common.resource / acl): ANY = 1 for filters; TOPIC = 2; LITERAL = 3;
// READ = 3; ALLOW = 3.
const ANY = 1;
const TOPIC = 2;
const LITERAL = 3;
const READ = 3;
const ALLOW = 3;

/** MirrorMaker 2's question: every ACL on any topic. */
const ANY_TOPIC_ACL = {
  resourceTypeFilter: TOPIC,
  resourceNameFilter: null,
  patternTypeFilter: ANY,
  principalFilter: null,
  hostFilter: null,
  operation: ANY,
  permissionType: ANY,
};

export const ACL_SCENARIOS: readonly Scenario[] = [
  { name: 'DescribeAcls v3 of every topic ACL, without an authorizer', steps: [step(DescribeAclsRequestCodec, DescribeAclsResponseCodec, 3, ANY_TOPIC_ACL)] },
  { name: 'DescribeAcls v1 of every topic ACL, without an authorizer', steps: [step(DescribeAclsRequestCodec, DescribeAclsResponseCodec, 1, ANY_TOPIC_ACL)] },
  {
    name: 'CreateAcls v3 of two ACLs, without an authorizer',
    steps: [
      step(CreateAclsRequestCodec, CreateAclsResponseCodec, 3, {
        creations: ['User:alice', 'User:bob'].map((principal) => ({
          resourceType: TOPIC,
          resourceName: 'diff-acl-topic',
          resourcePatternType: LITERAL,
          principal,
          host: '*',
          operation: READ,
          permissionType: ALLOW,
        })),
      }),
    ],
  },
  {
    name: 'DeleteAcls v3 of one filter, without an authorizer',
    steps: [step(DeleteAclsRequestCodec, DeleteAclsResponseCodec, 3, { filters: [{ ...ANY_TOPIC_ACL, resourceNameFilter: 'diff-acl-topic' }] })],
  },
];
