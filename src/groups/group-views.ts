// What DescribeGroups and ListGroups report about a classic group, as Kafka's coordinator summarises it.
import type { ClassicGroup } from './classic-group';
import { EMPTY_BUFFER } from './classic-member';

export const CLASSIC_GROUP_TYPE = 'classic';
export const CONSUMER_GROUP_TYPE = 'consumer';

export interface GroupMemberDescription {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly memberMetadata: Buffer;
  readonly memberAssignment: Buffer;
}

export interface GroupDescription {
  readonly groupId: string;
  readonly state: string;
  readonly protocolType: string;
  readonly protocolData: string;
  readonly members: readonly GroupMemberDescription[];
}

export interface GroupListing {
  readonly groupId: string;
  readonly protocolType: string;
  readonly state: string;
  readonly groupType: string;
}

/** Only a Stable group exposes the chosen protocol and member metadata (as Kafka's summary); assignments always. */
export function describeGroup(group: ClassicGroup): GroupDescription {
  const stable = group.is('Stable') && group.protocolName !== null;
  const protocol = group.protocolName ?? '';
  return {
    groupId: group.groupId,
    state: group.state,
    protocolType: group.protocolType ?? '',
    protocolData: stable ? protocol : '',
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: stable ? (m.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY_BUFFER) : EMPTY_BUFFER,
      // Kafka shows the last assignment in every state (a rebalance from Stable keeps it until the next sync).
      memberAssignment: m.assignment,
    })),
  };
}

export function deadGroupDescription(groupId: string): GroupDescription {
  return { groupId, state: 'Dead', protocolType: '', protocolData: '', members: [] };
}

export function listGroup(group: ClassicGroup): GroupListing {
  return { groupId: group.groupId, protocolType: group.protocolType ?? '', state: group.state, groupType: CLASSIC_GROUP_TYPE };
}

/** Kafka compares both filters case-insensitively; an empty filter matches everything. */
export function matchesListFilters(listing: GroupListing, states: readonly string[], types: readonly string[]): boolean {
  const lowerStates = states.map((s) => s.toLowerCase());
  const lowerTypes = types.map((t) => t.toLowerCase());
  if (lowerStates.length > 0 && !lowerStates.includes(listing.state.toLowerCase())) return false;
  if (lowerTypes.length > 0 && !lowerTypes.includes(listing.groupType.toLowerCase())) return false;
  return true;
}
