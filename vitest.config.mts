import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Tests never reach the machine's own libvirtd or /etc/qemu: the hypervisor tests point
// these at daemons and folders of their own.
const HYPERVISORS_OFF = { VNET_LIBVIRT_URI: 'none', VNET_QEMU_DIR: 'none' };

export default defineConfig({
  plugins: [react()],
  test: {
    env: HYPERVISORS_OFF,
    // A stray `.only` must fail the run, not quietly shrink it: always, not only under CI.
    allowOnly: false,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}'], environment: 'node', testTimeout: 20_000 },
      },
      {
        // Real kernel, real daemons, inside network namespaces the tests create.
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
