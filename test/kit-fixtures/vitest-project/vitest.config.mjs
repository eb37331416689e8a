// A user's vitest config with Eddy: one broker for the whole run from the kit's global setup.
export default {
  test: {
    include: ['**/*.spec.mjs'],
    globalSetup: ['eddy/vitest/global-setup'],
    testTimeout: 30000,
    hookTimeout: 30000,
  },
};
