// Running the `eddy` tools as a user does, `node bin/eddy.js <command>`, with stdin and a bound on time; the tests
// of the tools (test/integration/tools-*.test.ts) share it.
import { EDDY_BIN } from './broker';
import { run, type RunResult } from './tools';

export interface ToolRun extends RunResult {
  /** stdout parsed as JSON (for --json runs); throws with the output when it is not JSON. */
  json<T = unknown>(): T;
}

export async function eddy(args: readonly string[], input = '', timeoutMs = 60000): Promise<ToolRun> {
  const result = await run(process.execPath, [EDDY_BIN, ...args], input, timeoutMs);
  return {
    ...result,
    json<T>(): T {
      try {
        return JSON.parse(result.stdout) as T;
      } catch {
        throw new Error(`eddy ${args.join(' ')} printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
      }
    },
  };
}
