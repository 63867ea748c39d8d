// Runtime schemas for the shapes in src-shared/api/types.ts, so responses and pushes
// can be checked too (the web console's client and the tests use them). They are
// typed against the interfaces, so the compiler keeps the two in step. Objects here
// are not strict: an engine that adds a field must not break an older editor.
import * as z from 'zod';
import { ConfigSchema } from '../model';
import type {
  Adapter,
  AdapterRates,
  ApplyProgress,
  ApplyResult,
  DoctorCheck,
  ImportResult,
  Lease,
  LoadedConfig,
  NetworkStatus,
  PlanOperation,
  PlanResult,
  ServiceState,
  ServiceStatus,
  TrialState,
} from '../api/types';

export const PlanOperationSchema: z.ZodType<PlanOperation> = z.object({
  op: z.string(),
  network: z.string().optional(),
  target: z.string().optional(),
  description: z.string(),
  risky: z.boolean().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const PlanResultSchema: z.ZodType<PlanResult> = z.object({
  operations: z.array(PlanOperationSchema),
  warnings: z.array(z.string()),
  risky: z.boolean(),
});

export const TrialStateSchema: z.ZodType<TrialState> = z.object({ deadline: z.number(), seconds: z.number() });

export const ApplyProgressSchema: z.ZodType<ApplyProgress> = z.object({
  step: z.number(),
  total: z.number(),
  description: z.string(),
  phase: z.enum(['running', 'done', 'failed', 'rolling-back', 'rolled-back']),
});

export const ApplyResultSchema: z.ZodType<ApplyResult> = z.object({
  ok: z.boolean(),
  applied: z.array(PlanOperationSchema),
  error: z.string().optional(),
  trial: TrialStateSchema.optional(),
});

export const DoctorCheckSchema: z.ZodType<DoctorCheck> = z.object({
  network: z.string(),
  check: z.string(),
  status: z.enum(['ok', 'warning', 'problem']),
  detail: z.string(),
  fix: z.string().optional(),
});

const serviceState = {
  running: z.boolean(),
  since: z.number().optional(),
  pid: z.number().optional(),
  detail: z.string().optional(),
};

export const ServiceStateSchema: z.ZodType<ServiceState> = z.object({ service: z.enum(['dhcp', 'nat']), ...serviceState });

const DhcpStateSchema = z.object({ service: z.enum(['dhcp', 'nat']), ...serviceState, leases: z.number() });
const NatStateSchema = z.object({ service: z.enum(['dhcp', 'nat']), ...serviceState, rules: z.number(), portForwards: z.number() });

export const NetworkStatusSchema: z.ZodType<NetworkStatus> = z.object({
  name: z.string(),
  type: z.enum(['bridged', 'hostonly', 'nat']),
  up: z.boolean(),
  bridge: z.object({ exists: z.boolean(), up: z.boolean(), carrier: z.boolean().optional(), ports: z.array(z.string()) }),
  addresses: z.array(z.string()),
  subnet: z.string().optional(),
  prefix6: z.string().optional(),
  uplink: z.string().optional(),
  unconnected: z.string().optional(),
  networkManager: z.object({ profile: z.string(), state: z.string() }).optional(),
  hostAdapter: z.object({ enabled: z.boolean(), address: z.string().optional(), present: z.boolean() }).optional(),
  dhcp: ServiceStateSchema.optional(),
  nat: NatStateSchema.optional(),
  leases: z.number(),
  names: z.object({ domain: z.string(), server: z.string(), registered: z.boolean(), detail: z.string() }).optional(),
  problems: z.array(z.string()),
  hypervisors: z
    .array(z.object({ hypervisor: z.enum(['libvirt', 'qemu-bridge-helper', 'virtualbox']), sees: z.boolean(), detail: z.string() }))
    .optional(),
});

export const ServiceStatusSchema: z.ZodType<ServiceStatus> = z.object({
  network: z.string(),
  dhcp: DhcpStateSchema.optional(),
  nat: NatStateSchema.optional(),
});

export const LeaseSchema: z.ZodType<Lease> = z.object({
  network: z.string(),
  mac: z.string(),
  address: z.string(),
  hostname: z.string(),
  expires: z.string().nullable(),
  vm: z.string().optional(),
  ipv6: z.array(z.string()).optional(),
});

export const AdapterSchema: z.ZodType<Adapter> = z.object({
  name: z.string(),
  kind: z.enum(['physical', 'wireless', 'bridge', 'vnet', 'veth', 'tap', 'loopback', 'other']),
  mac: z.string().optional(),
  mtu: z.number().optional(),
  adminUp: z.boolean(),
  operState: z.string(),
  addresses: z.array(z.string()),
  speedMbps: z.number().optional(),
  defaultRoute: z.boolean(),
  master: z.string().optional(),
  managed: z.boolean(),
  risky: z.boolean(),
});

export const AdapterRatesSchema: z.ZodType<AdapterRates> = z.object({
  name: z.string(),
  rxBytesPerSecond: z.number(),
  txBytesPerSecond: z.number(),
});

export const LoadedConfigSchema: z.ZodType<LoadedConfig> = z.object({
  config: ConfigSchema,
  source: z.enum(['stored', 'defaults']),
  warnings: z.array(z.string()),
});

export const ImportResultSchema: z.ZodType<ImportResult> = z.object({ config: ConfigSchema, notes: z.array(z.string()) });

export const ValidationErrorSchema = z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() });
