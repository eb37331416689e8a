// The Python suites' commands and install checks: Debian's python3 (not a pyenv python on PATH), which has the apt
// packages python3-confluent-kafka, python3-kafka and the compression modules.
import * as path from 'path';
import { DEBIAN_PYTHON, pythonHasModule } from '../../helpers/tools';
import { executableProblem, PYTHON_SCRIPTS } from './compat-clients';

export function pythonCommand(script: string): string[] {
  return [DEBIAN_PYTHON, path.join(PYTHON_SCRIPTS, script)];
}

export function pythonProblems(modules: Readonly<Record<string, string>>): (string | null)[] {
  return [
    executableProblem(DEBIAN_PYTHON, 'Debian python3'),
    ...Object.entries(modules).map(([mod, aptPackage]) => (pythonHasModule(mod) ? null : `python module ${mod} is missing (apt-get install ${aptPackage})`)),
  ];
}
