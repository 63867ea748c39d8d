// The kernel's way of making a bridge (iproute2): plan.ts plans it, exec.ts carries it out.
export { KERNEL_OPS, planKernelBridge, planKernelRemoval } from './plan';
export { executeKernel } from './exec';
