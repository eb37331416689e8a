// The types of 'eddy/vitest', whose code is esm/vitest.mjs: vitest can only be imported, so that entry is an ES
// module written by hand, and this file gives it declarations checked against the kit's own (package.json points
// the entry's "types" here). The compiled JavaScript of this file is never loaded.
import type { RunningBroker } from './start-broker';
import type { UseBrokerOptions } from './suite-hooks';

export { runBootstrap, startRunBroker, stopRunBroker, BOOTSTRAP_ENV } from './global-broker';
export type { RunningBroker, StartBrokerOptions, CreatedTopic } from './start-broker';
export type { UseBrokerOptions } from './suite-hooks';

/** A broker for this file's tests (or each test's, with scope 'test'), with vitest's hooks; call the getter inside tests. */
export declare function useBroker(options?: UseBrokerOptions): () => RunningBroker;
