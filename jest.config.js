// Tests are written in TypeScript and compiled by `npm run build` into dist/; jest runs the compiled files,
// so the integration tests exercise exactly the JavaScript that `node bin/eddy.js` runs.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/dist/test'],
  testMatch: ['**/*.test.js'],
  testTimeout: 60000,
  maxWorkers: 2,
};
