import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing';

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
          exclude: ['native-host/test/package/**'],
          environment: 'node',
          globalSetup: ['native-host/test/helpers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Real downloads on two cores: a little parallelism, not more.
          maxWorkers: 2,
        },
      },
      {
        plugins: [WxtVitest()],
        test: {
          name: 'extension',
          sequence: { groupOrder: 0 },
          include: ['extension/**/*.test.{ts,tsx}'],
          exclude: ['extension/test/**'],
          environment: 'happy-dom',
        },
      },
      {
        test: {
          name: 'e2e',
          sequence: { groupOrder: 2 },
          include: ['extension/test/**/*.e2e.test.ts'],
          environment: 'node',
          globalSetup: ['native-host/test/helpers/global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 60_000,
          maxWorkers: 1,
        },
      },
      {
        // Alone, last: it compiles a native module while installing the packed package.
        test: {
          name: 'package',
          sequence: { groupOrder: 3 },
          include: ['native-host/test/package/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['native-host/test/helpers/global-setup.ts'],
          testTimeout: 900_000,
          hookTimeout: 60_000,
          maxWorkers: 1,
        },
      },
    ],
  },
});
