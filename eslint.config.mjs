// Lint rules that catch bugs a compiler does not: promises left floating or handed to callbacks that ignore
// them, loose equality, `any` leaking into the broker's core, stray console output (the broker logs through its
// logger), and imports that run against the layers (codecs/ <- storage/ <- src/). Formatting is Prettier's job:
// eslint-config-prettier switches off every stylistic rule that would disagree with it.
// Static imports only: require() and import() across layers are caught by test/unit/architecture.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** A `no-restricted-imports` pattern that forbids relative imports of the given top-level folders. */
function forbidFolders(folders, why) {
  return { regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`, message: why };
}

const nodeGlobals = {
  require: 'readonly',
  module: 'writable',
  exports: 'writable',
  __dirname: 'readonly',
  __filename: 'readonly',
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
};

export default defineConfig(
  {
    ignores: ['dist/**', 'node_modules/**', 'test/compat/node_modules/**', 'codecs/generated/**', 'bench/.build/**', 'data/**', 'tmp/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // Deliberate here: handlers and the codec registry load lazily with require() to keep start-up short.
      '@typescript-eslint/no-require-imports': 'off',
      // Async functions without await implement async interfaces (storage, consumer callbacks): not bugs.
      '@typescript-eslint/require-await': 'off',
      // Wire values are plain numbers compared with enums on purpose, and binary formats match NUL bytes.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      'no-control-regex': 'off',
    },
  },
  {
    // The broker's own code: no `any`, no console (pino writes the logs).
    files: ['src/**/*.ts', 'storage/**/*.ts', 'codecs/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
    },
  },
  {
    // The web console (TSX for the browser, type-checked by its own src/http/ui/tsconfig.json): the same rules.
    files: ['src/http/ui/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
    },
  },
  {
    // Tests, benchmarks and build scripts print, and may use `any` to poke at internals.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'build/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      // jest.spyOn and saved prototype methods take methods off their objects on purpose.
      '@typescript-eslint/unbound-method': 'off',
      // jest's asymmetric matchers (expect.stringContaining, expect.any) are typed `any` by @types/jest.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['codecs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            forbidFolders(['storage', 'src', 'test', 'bench', 'build'], 'codecs/ is the lowest layer: nothing from storage/, src/ or unshipped folders.'),
          ],
        },
      ],
    },
  },
  {
    files: ['storage/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            forbidFolders(['src', 'test', 'bench', 'build'], 'storage/ sits below src/: it defines what it needs (a logger, say) as an interface of its own.'),
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [forbidFolders(['test', 'bench', 'build'], 'Shipped code does not import tests, benchmarks or build scripts.')] },
      ],
    },
  },
  {
    // Plain JavaScript (bin/, jest.config.js, this file) is outside the TypeScript project.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: nodeGlobals },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  prettier,
);
