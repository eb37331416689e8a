// Scenarios for the SASL and SCRAM APIs on a PLAINTEXT listener, where the reference Kafka needs no security set-up:
// SaslHandshake and SaslAuthenticate reaching the request handlers are ILLEGAL_SASL_STATE (Kafka's KafkaApis
// answers), and DescribeUserScramCredentials/AlterUserScramCredentials validate as Kafka's controller does. Each
// alteration names one user per outcome: Kafka orders its results through hash maps.
import { AlterUserScramCredentialsRequestCodec, type AlterUserScramCredentialsRequestInit } from '../../codecs/generated/AlterUserScramCredentialsRequest';
import { AlterUserScramCredentialsResponseCodec } from '../../codecs/generated/AlterUserScramCredentialsResponse';
import { DescribeUserScramCredentialsRequestCodec } from '../../codecs/generated/DescribeUserScramCredentialsRequest';
import { DescribeUserScramCredentialsResponseCodec } from '../../codecs/generated/DescribeUserScramCredentialsResponse';
import { SaslAuthenticateRequestCodec } from '../../codecs/generated/SaslAuthenticateRequest';
import { SaslAuthenticateResponseCodec } from '../../codecs/generated/SaslAuthenticateResponse';
import { SaslHandshakeRequestCodec } from '../../codecs/generated/SaslHandshakeRequest';
import { SaslHandshakeResponseCodec } from '../../codecs/generated/SaslHandshakeResponse';
import { step, type Scenario, type Step } from './harness';

const SHA256 = 1;
const SHA512 = 2;

function upsertion(name: string, mechanism: number, iterations: number): AlterUserScramCredentialsRequestInit['upsertions'] {
  return [{ name, mechanism, iterations, salt: Buffer.alloc(16, 7), saltedPassword: Buffer.alloc(mechanism === SHA512 ? 64 : 32, 9) }];
}

function alter(body: AlterUserScramCredentialsRequestInit): Step {
  return step(AlterUserScramCredentialsRequestCodec, AlterUserScramCredentialsResponseCodec, 0, { deletions: [], upsertions: [], ...body });
}

function describeUsers(users: readonly string[] | null): Step {
  return step(DescribeUserScramCredentialsRequestCodec, DescribeUserScramCredentialsResponseCodec, 0, {
    users: users === null ? null : users.map((name) => ({ name })),
  });
}

export const SECURITY_SCENARIOS: readonly Scenario[] = [
  ...[0, 1].map((version) => ({
    name: `SaslHandshake v${version} on a PLAINTEXT listener`,
    steps: [step(SaslHandshakeRequestCodec, SaslHandshakeResponseCodec, version, { mechanism: 'PLAIN' })],
  })),
  ...[0, 1, 2].map((version) => ({
    name: `SaslAuthenticate v${version} on a PLAINTEXT listener`,
    steps: [step(SaslAuthenticateRequestCodec, SaslAuthenticateResponseCodec, version, { authBytes: Buffer.from('\u0000u\u0000p') })],
  })),
  { name: 'DescribeUserScramCredentials v0 of an unknown user', steps: [describeUsers(['diff-scram-nobody'])] },
  { name: 'DescribeUserScramCredentials v0 of a user named twice', steps: [describeUsers(['diff-scram-twice', 'diff-scram-twice'])] },
  {
    name: 'AlterUserScramCredentials v0 refusals: too few and too many iterations, unknown mechanism, empty name',
    steps: [
      alter({ upsertions: upsertion('diff-scram-few', SHA256, 1000) }),
      alter({ upsertions: upsertion('diff-scram-many', SHA512, 20000) }),
      alter({ upsertions: upsertion('diff-scram-mech', 3, 4096) }),
      alter({ upsertions: upsertion('', SHA256, 4096) }),
      alter({ deletions: [{ name: 'diff-scram-absent', mechanism: SHA256 }] }),
    ],
  },
  {
    name: 'AlterUserScramCredentials v0 of a user named twice in one request',
    steps: [alter({ deletions: [{ name: 'diff-scram-dup', mechanism: SHA256 }], upsertions: upsertion('diff-scram-dup', SHA256, 4096) })],
  },
  {
    name: 'AlterUserScramCredentials v0 creates a user, then deletes it',
    steps: [
      alter({ upsertions: upsertion('diff-scram-made', SHA512, 8192) }),
      alter({ deletions: [{ name: 'diff-scram-made', mechanism: SHA512 }] }),
      alter({ deletions: [{ name: 'diff-scram-made', mechanism: SHA512 }] }),
    ],
  },
];
