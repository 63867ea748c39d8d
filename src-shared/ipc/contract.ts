// The one IPC contract. Every front door (Electron main + preload, the web console,
// the privileged helper) and the editor use this map: channel → request schema →
// response schema, plus the push events. Requests are strict and bounded because
// they come from a renderer we must assume can be compromised; the helper checks
// them again with these same schemas.
//
// Naming: a channel's name is also the method name on `window.vnet`
// (`window.vnet.plan({ config })`), the Electron IPC channel `vnet:plan` and the web
// console route `POST /api/plan`.
import { z } from 'zod';
import { NAME_PATTERN, ConfigSchema } from '../model';
import { CHANNEL_NAMES, EVENT_NAME_LIST, type ChannelName, type EventNameOnly } from './names';
import { BoundedJson, ConfigPayload, LIMITS } from './bounds';
import {
  AdapterRatesSchema,
  AdapterSchema,
  ApplyProgressSchema,
  ApplyResultSchema,
  DoctorCheckSchema,
  ImportResultSchema,
  LeaseSchema,
  LoadedConfigSchema,
  NetworkStatusSchema,
  PlanResultSchema,
  ServiceStatusSchema,
  TrialStateSchema,
  ValidationErrorSchema,
} from './dto';

/** A network's name (also its bridge's name), as DESIGN.md allows it. */
const NetworkName = z
  .string()
  .max(15)
  .regex(NAME_PATTERN, 'must be a network name (a letter, then up to 14 letters, digits, "_", "." or "-")');
/** Any Linux interface name (host adapters include names the app did not choose, e.g. `enp0s31f6`, `wlan0`). */
const InterfaceName = z
  .string()
  .min(1)
  .max(15)
  .regex(/^[A-Za-z0-9_.:@-]+$/, 'must be an interface name');
/** Seconds a trial change waits for confirmation before reverting by itself. */
const TrialSeconds = z.number().int().min(5).max(600);

const Empty = z.strictObject({});

/** How a trial ends: kept, being put back, put back, or putting it back failed. */
export const TrialOutcomeSchema = z.enum(['confirmed', 'reverting', 'reverted', 'revert-failed']);
export type TrialOutcomeKind = z.output<typeof TrialOutcomeSchema>;

/** How the last trial ended; `deadline` tells which trial (a watcher only knows the countdown it saw). */
export const TrialEndedSchema = z.object({
  outcome: TrialOutcomeSchema,
  deadline: z.number(),
  /** Epoch ms at which the outcome was recorded. */
  at: z.number(),
  /** revert-failed: why. */
  error: z.string().optional(),
});

/**
 * Files of a VMware settings folder a browser may send, relative to the folder: exactly what
 * `vnet import --from vmware DIR` reads (Workstation's vmnetN/nat/nat.conf and
 * vmnetN/dhcpd/dhcpd.conf, and Fusion's vmnetN/nat.conf and vmnetN/dhcpd.conf).
 */
export const VMWARE_FOLDER_FILE = /^(networking|vmnet\d{1,3}\/(nat\/nat\.conf|nat\.conf|dhcpd\/dhcpd\.conf|dhcpd\.conf))$/;
/** Bounds for a sent folder: VMware's files are a few KB each; the whole must fit a console request. */
export const FOLDER_LIMITS = { files: 128, fileBytes: 256 * 1024, totalBytes: LIMITS.fileBytes } as const;

/** Why PATH cannot be a file of a sent settings folder; undefined when it can. */
export function folderFileProblem(path: string): string | undefined {
  if (path.startsWith('/') || path.split(/[\\/]/).includes('..')) return 'must be a path inside the folder (no "..", not absolute)';
  if (!VMWARE_FOLDER_FILE.test(path))
    return "is not one of VMware's settings files (networking, vmnetN/nat/nat.conf, vmnetN/dhcpd/dhcpd.conf)";
  return undefined;
}

/** A VMware settings folder as {relativePath: text}. */
const FolderFiles = z.record(z.string().max(64), z.string().max(FOLDER_LIMITS.fileBytes)).superRefine((files, ctx) => {
  const paths = Object.keys(files);
  if (paths.length === 0) ctx.addIssue({ code: 'custom', message: "the folder holds none of VMware's settings files" });
  if (paths.length > FOLDER_LIMITS.files) ctx.addIssue({ code: 'custom', message: `at most ${FOLDER_LIMITS.files} files` });
  for (const path of paths.slice(0, FOLDER_LIMITS.files + 1)) {
    const problem = folderFileProblem(path);
    if (problem) ctx.addIssue({ code: 'custom', path: [path.slice(0, 64)], message: `"${path.slice(0, 64)}" ${problem}` });
  }
  const total = Object.values(files).reduce((sum, text) => sum + text.length, 0);
  if (total > FOLDER_LIMITS.totalBytes) ctx.addIssue({ code: 'custom', message: `at most ${FOLDER_LIMITS.totalBytes} bytes in all` });
});

/** Where the web console or the editor got an import from: a path on the host, a file's text, or a folder's files. */
const ImportRequest = z
  .strictObject({
    from: z.enum(['vmware', 'libvirt']),
    path: z.string().min(1).max(LIMITS.path).optional(),
    content: z.string().max(LIMITS.fileBytes).optional(),
    /** A VMware settings folder's files (vmware only). */
    files: FolderFiles.optional(),
    /** Name of the uploaded file or folder, for messages only. */
    fileName: z.string().max(255).optional(),
  })
  .refine((r) => [r.path, r.content, r.files].filter((x) => x !== undefined).length === 1, {
    message: 'give one of path, content or files',
  })
  .refine((r) => r.files === undefined || r.from === 'vmware', {
    message: 'files (a settings folder) can only be imported from vmware',
    path: ['files'],
  });

export const channels = {
  /** The stored config, or VMware's defaults (moved off taken subnets) when none is stored. */
  getConfig: { request: Empty, response: LoadedConfigSchema },
  /** Checks a draft; never fails, reports every error with its JSON path. */
  validateConfig: {
    request: z.strictObject({ config: BoundedJson }),
    response: z.object({ ok: z.boolean(), errors: z.array(ValidationErrorSchema) }),
  },
  /** VMware's defaults for this host, for "Restore Defaults" (nothing is applied until apply). */
  defaultConfig: { request: Empty, response: ConfigSchema },
  /** The operations apply would run. */
  plan: { request: z.strictObject({ config: ConfigPayload }), response: PlanResultSchema },
  /** Makes the host match the config and stores it; with trySeconds, reverts unless confirmed. */
  apply: { request: z.strictObject({ config: ConfigPayload, trySeconds: TrialSeconds.optional() }), response: ApplyResultSchema },
  /** The pending trial, if any, and how the last one ended (`reverting` while a revert runs). */
  getTrial: { request: Empty, response: z.object({ trial: TrialStateSchema.nullable(), ended: TrialEndedSchema.optional() }) },
  /** Keeps a trial change. `confirmed` is false when nothing was pending. */
  confirmTrial: { request: Empty, response: z.object({ confirmed: z.boolean() }) },
  /** Reverts a trial change now. `reverted` is false when nothing was pending. */
  revertTrial: { request: Empty, response: z.object({ reverted: z.boolean() }) },
  status: { request: Empty, response: z.array(NetworkStatusSchema) },
  leases: { request: z.strictObject({ network: NetworkName.optional() }), response: z.array(LeaseSchema) },
  doctor: { request: z.strictObject({ network: NetworkName.optional() }), response: z.array(DoctorCheckSchema) },
  listAdapters: { request: Empty, response: z.array(AdapterSchema) },
  /** Switches a host adapter on or off; risky ones (default route, bridged uplink) should use trySeconds. */
  setAdapter: {
    request: z.strictObject({ name: InterfaceName, up: z.boolean(), trySeconds: TrialSeconds.optional() }),
    response: z.object({
      ok: z.boolean(),
      /** Why switching failed (ok false). */
      error: z.string().optional(),
      /** Done, but something could not be put back (e.g. a saved route), in plain words. */
      warnings: z.array(z.string()).optional(),
      trial: TrialStateSchema.optional(),
    }),
  },
  adapterRates: { request: Empty, response: z.array(AdapterRatesSchema) },
  listServices: { request: Empty, response: z.array(ServiceStatusSchema) },
  restartService: {
    request: z.strictObject({ network: NetworkName, service: z.enum(['dhcp', 'nat']) }),
    response: z.array(ServiceStatusSchema),
  },
  /**
   * The user's consent for QEMU's bridge helper (GNOME Boxes, qemu:///session): adds, or with
   * `allowed: false` removes, the one include line in /etc/qemu/bridge.conf for the app's ACL.
   */
  setBridgeHelper: {
    request: z.strictObject({ allowed: z.boolean() }),
    response: z.object({ changed: z.boolean(), conf: z.string() }),
  },
  /** Converts VMware's or libvirt's settings into a version-1 config (not applied, not stored). */
  importConfig: { request: ImportRequest, response: ImportResultSchema },
  /** The config as the text of a networks.json file. */
  exportConfig: {
    request: z.strictObject({ config: ConfigPayload }),
    response: z.object({ text: z.string(), fileName: z.string() }),
  },
  /**
   * Desktop only (appInfo().nativeDialogs): a native Open dialog, then import. Null
   * when the user cancelled. The format is told from the file (XML → libvirt).
   */
  openImportFile: { request: Empty, response: z.object({ result: ImportResultSchema, path: z.string() }).nullable() },
  /** Desktop only: a native Save dialog for an exported config. Null when cancelled. */
  saveExportFile: {
    request: z.strictObject({ config: ConfigPayload }),
    response: z.object({ path: z.string() }).nullable(),
  },
  /** Which front door the editor runs behind, and what it can do there. */
  appInfo: {
    request: Empty,
    response: z.object({
      version: z.string(),
      frontDoor: z.enum(['desktop', 'web']),
      /** Native Open/Save dialogs exist (desktop); the web console uses upload/download instead. */
      nativeDialogs: z.boolean(),
      /** How privileged operations run: already root, through the helper, or not yet elevated. */
      privilege: z.enum(['root', 'helper', 'not-elevated']),
    }),
  },
} as const satisfies Record<ChannelName, { request: z.ZodType; response: z.ZodType }>;

export type Channel = keyof typeof channels;
export const CHANNELS: readonly Channel[] = CHANNEL_NAMES;

/** What the editor passes (config drafts are typed as Config). */
export type RequestOf<C extends Channel> = z.input<(typeof channels)[C]['request']>;
/** What a handler receives after validation (defaults filled in). */
export type ParsedRequestOf<C extends Channel> = z.output<(typeof channels)[C]['request']>;
export type ResponseOf<C extends Channel> = z.output<(typeof channels)[C]['response']>;

/** Trial countdown: the pending trial with seconds left, or what ended it. */
export const TrialEventSchema = z.object({
  trial: TrialStateSchema.nullable(),
  remainingSeconds: z.number(),
  /** Set when a trial ends: `reverting` first when it is put back, then `reverted` (or `revert-failed`). */
  outcome: TrialOutcomeSchema.optional(),
  /** revert-failed: why. */
  error: z.string().optional(),
});

/**
 * Menu commands the desktop app forwards to the editor, which answers them with
 * openImportFile(), saveExportFile({ config: draft }) and defaultConfig().
 */
export const MenuEventSchema = z.object({ action: z.enum(['import', 'export', 'restoreDefaults']) });

export const events = {
  status: z.array(NetworkStatusSchema),
  leases: z.array(LeaseSchema),
  adapterRates: z.array(AdapterRatesSchema),
  applyProgress: ApplyProgressSchema,
  trial: TrialEventSchema,
  menu: MenuEventSchema,
} as const satisfies Record<EventNameOnly, z.ZodType>;

export type EventName = keyof typeof events;
export const EVENT_NAMES: readonly EventName[] = EVENT_NAME_LIST;
export type EventOf<E extends EventName> = z.output<(typeof events)[E]>;

/** Channels that need root (run by the privileged helper when the app is not root). */
export const PRIVILEGED_CHANNELS = [
  'getConfig',
  'defaultConfig',
  'plan',
  'apply',
  'getTrial',
  'confirmTrial',
  'revertTrial',
  'status',
  'leases',
  'doctor',
  'listAdapters',
  'setAdapter',
  'adapterRates',
  'listServices',
  'restartService',
  'setBridgeHelper',
] as const satisfies readonly Channel[];
export type PrivilegedChannel = (typeof PRIVILEGED_CHANNELS)[number];

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}

export function isPrivilegedChannel(name: unknown): name is PrivilegedChannel {
  return typeof name === 'string' && (PRIVILEGED_CHANNELS as readonly string[]).includes(name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

export type ParseResult<T> =
  { ok: true; value: T } | { ok: false; message: string; errors: { path: (string | number)[]; message: string }[] };

/** Validates a request for `channel`; errors name the payload path, in plain words. */
export function parseRequest<C extends Channel>(channel: C, payload: unknown): ParseResult<ParsedRequestOf<C>> {
  const result = channels[channel].request.safeParse(payload ?? {});
  if (result.success) return { ok: true, value: result.data as ParsedRequestOf<C> };
  const errors = result.error.issues.map((issue) => ({
    path: issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
    message: issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k.slice(0, 40)}"`).join(', ')}` : issue.message,
  }));
  const lines = errors.slice(0, 20).map((e) => `${formatRequestPath(e.path)}: ${e.message}`);
  return { ok: false, message: `invalid ${channel} request:\n${lines.join('\n')}`, errors };
}

function formatRequestPath(path: (string | number)[]): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  return text === '' ? 'request' : text;
}

/** Failure envelope every transport uses, so the editor sees the same error everywhere. */
export interface ApiError {
  message: string;
  /** `invalid`: the request broke the contract; `denied`: not allowed; `failed`: the operation failed. */
  code: 'invalid' | 'denied' | 'failed' | 'unavailable';
  errors?: { path: (string | number)[]; message: string }[];
}

export type Envelope<T> = { ok: true; result: T } | { ok: false; error: ApiError };
