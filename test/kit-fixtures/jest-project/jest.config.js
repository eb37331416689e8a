// A user's jest config with Eddy: one broker for the whole run from the kit's global setup and teardown.
module.exports = {
  testEnvironment: 'node',
  testMatch: ['**/*.spec.js'],
  // Plain CommonJS: nothing to transform.
  transform: {},
  globalSetup: 'eddy/jest/global-setup',
  globalTeardown: 'eddy/jest/global-teardown',
  testTimeout: 30000,
};
