import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['shared/**/*.test.ts', 'native-host/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['native-host/test/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['native-host/test/helpers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Real downloads on two cores: a little parallelism, not more.
          maxWorkers: 2,
        },
      },
    ],
  },
});
