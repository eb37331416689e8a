// The classic group protocol's states, named exactly as Kafka reports them in DescribeGroups and ListGroups.

export type ClassicGroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export const CLASSIC_GROUP_STATES: readonly ClassicGroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];

/** The states each state may be entered from; any other transition is a coordinator bug. */
const VALID_PREVIOUS: Readonly<Record<ClassicGroupState, readonly ClassicGroupState[]>> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export function canTransition(from: ClassicGroupState, to: ClassicGroupState): boolean {
  return VALID_PREVIOUS[to].includes(from);
}

/** Kafka matches state filters case-insensitively (ListGroups v4+). */
export function parseGroupState(name: string): ClassicGroupState | undefined {
  const lower = name.toLowerCase();
  return CLASSIC_GROUP_STATES.find((s) => s.toLowerCase() === lower);
}
