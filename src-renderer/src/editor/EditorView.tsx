// The Networks tab: VMware's editor window. The table of networks, the VMnet
// information panel for the selected one, and the staged-changes buttons.
import { useEffect, useRef, useState, type Dispatch } from 'react';
import { formatPath, type ValidationError } from '../../../src-shared/model/errors';
import type { Config } from '../../../src-shared/model/schema';
import type { Adapter, ApplyResult, TrialState } from '../../../src-shared/api/types';
import { useHost, useLive } from '../host/context';
import { HostErrorAlert } from '../components/HostErrorAlert';
import { SelectableTable } from '../components/SelectableTable';
import { Alert, Button } from '../plain/parts';
import { removeNetwork } from '../state/draft';
import { isDirty, type EditorAction, type EditorState } from '../state/editor';
import { useDraftErrors } from '../state/lazyValidation';
import { TYPE_WORDS, dhcpWord, externalConnection, hostConnection, subnetWord } from '../state/words';
import type { PickedFile } from './importExport';
import { NetworkInfo } from './NetworkInfo';
import { dialogs, useOpenDialog } from './lazyDialogs';

// Reading and writing settings files (with the model's parser) loads when first used.
const importExport = () => import('./importExport');

interface Props {
  state: EditorState;
  dispatch: Dispatch<EditorAction>;
  adapters: Adapter[];
  /** Reloads the stored config from the host (after a revert). */
  reload: () => void;
}

type Open =
  | { dialog: 'add' }
  | { dialog: 'rename' }
  | { dialog: 'connect-vm'; name: string }
  | { dialog: 'apply'; thenClose: boolean }
  | { dialog: 'trial'; trial: TrialState; thenClose: boolean }
  | { dialog: 'import-errors'; errors: ValidationError[]; fileName: string }
  | undefined;

/** Paths the VMnet information panel shows next to a field. */
function shownInPanel(index: number): string[] {
  return ['subnet', 'hostAdapter.address', 'bridge.uplink'].map((p) => `${formatPath(['networks', index])}.${p}`);
}

export function EditorView({ state, dispatch, adapters, reload }: Props) {
  const host = useHost();
  const [open, setOpenNow] = useState<Open>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  // Opening a dialog waits for the dialogs' code (lazyDialogs.ts); closing one does not.
  const setOpen = useOpenDialog<Open>(setOpenNow, setError);
  const D = dialogs.current;
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement | null>(null);
  const importButton = useRef<HTMLButtonElement>(null);
  // The browser's Import… asks: one file, or a VMware settings folder (whose nat.conf and dhcpd.conf matter).
  const [importMenu, setImportMenu] = useState(false);
  const showImportMenu = useOpenDialog(setImportMenu, setError);
  // Live state, for what the settings alone cannot tell (a bridged network left unconnected).
  const live = useLive((h) => h.status(), 'status', 10000);
  const liveOf = (name: string) => live.value?.find((s) => s.name === name);
  const { draft, selected } = state;
  // Undefined until the validation code has loaded (lazyValidation.ts): OK and Apply wait for it.
  const checked = useDraftErrors(draft, setError);
  const errors = checked ?? [];
  const dirty = isDirty(state);

  useEffect(() => {
    if (notice === undefined) return;
    const timer = setTimeout(() => setNotice(undefined), 6000);
    return () => clearTimeout(timer);
  }, [notice]);

  // A trial still counting down (the window was reloaded during one) gets its Keep/Revert dialog back.
  useEffect(() => {
    let alive = true;
    host.pendingTrial().then(
      (trial) => alive && trial && setOpen({ dialog: 'trial', trial, thenClose: false }),
      () => undefined,
    );
    return () => {
      alive = false;
    };
  }, [host]);

  // The desktop menu's Import…, Export… and Restore Defaults act like the buttons.
  const menu = useRef<(action: 'import' | 'export' | 'restoreDefaults') => void>(() => undefined);
  useEffect(() => host.on('menu', (event) => menu.current(event.action)), [host]);

  if (!draft) return <p className="p-loading">Loading the network settings…</p>;

  const edit = (next: typeof draft, select?: number) =>
    dispatch({ type: 'edit', draft: next, ...(select === undefined ? {} : { select }) });
  const panelPaths = selected === undefined ? [] : shownInPanel(selected);
  const summary = errors.filter((e) => !panelPaths.includes(formatPath(e.path)));

  const finish = (thenClose: boolean) => {
    setOpen(undefined);
    // OK closes the desktop window; in a browser there is no window to close, so
    // OK means "apply and return to the clean state".
    if (thenClose)
      void host.appInfo().then(
        (info) => info.frontDoor === 'desktop' && window.close(),
        () => undefined,
      );
  };
  const onApplied = (result: ApplyResult, thenClose: boolean) => {
    dispatch({ type: 'applied' });
    live.reload();
    if (result.trial) setOpen({ dialog: 'trial', trial: result.trial, thenClose });
    else {
      const count = result.applied.length;
      // Warnings (a bridged network left unconnected) were shown in the plan, and the table keeps showing them.
      setNotice(count === 0 ? 'Settings saved; the host already matched them.' : `Applied ${count} change${count === 1 ? '' : 's'}.`);
      finish(thenClose);
    }
  };

  const staged = (config: Config, source: string, notes: string[]) => {
    edit(config, 0);
    setNotice([`Imported ${source}. Review the networks, then Apply.`, ...notes].join(' '));
  };

  const onImportFile = async (file: File) => {
    try {
      const { importFile } = await importExport();
      const outcome = await importFile(host, file.name, await file.text());
      if (outcome.ok) staged(outcome.config, file.name, outcome.notes);
      else setOpen({ dialog: 'import-errors', errors: outcome.errors, fileName: file.name });
    } catch (e) {
      setError(e);
    }
  };

  const onImportFolder = async (files: readonly PickedFile[]) => {
    try {
      const { importFolder } = await importExport();
      const outcome = await importFolder(host, files);
      staged(outcome.config, outcome.folder, outcome.notes);
    } catch (e) {
      setError(e);
    }
  };

  const onImport = async () => {
    try {
      const info = await host.appInfo();
      if (!info.nativeDialogs) {
        showImportMenu(true);
        return;
      }
      const picked = await host.openImportFile();
      if (picked) staged(picked.result.config, picked.path, picked.result.notes);
    } catch (e) {
      setError(e);
    }
  };

  const onExport = async () => {
    try {
      const { exportConfig } = await importExport();
      const where = await exportConfig(host, draft);
      if (where) setNotice(`Exported the settings to ${where}.`);
    } catch (e) {
      setError(e);
    }
  };

  const onRestoreDefaults = async () => {
    try {
      edit(await host.defaults(), 0);
      setNotice('Default networks staged. Apply to use them, or Cancel to keep the current ones.');
    } catch (e) {
      setError(e);
    }
  };

  menu.current = (action) => void (action === 'import' ? onImport() : action === 'export' ? onExport() : onRestoreDefaults());

  const network = selected === undefined ? undefined : draft.networks[selected];

  return (
    <div className="p-editor">
      <div className="p-editor-body">
        <SelectableTable
          label="Virtual networks"
          columns={[
            { header: 'Name', cell: (n) => (n.label ? `${n.name} (${n.label})` : n.name) },
            { header: 'Type', cell: (n) => TYPE_WORDS[n.type] },
            {
              header: 'External connection',
              cell: (n) => {
                const status = liveOf(n.name);
                const words = externalConnection(n, status);
                // What the settings cannot say: why it is not connected, or NetworkManager's view of its bridge.
                const note =
                  words === 'Not connected'
                    ? status?.unconnected
                    : status?.networkManager &&
                      `through NetworkManager (profile ${status.networkManager.profile}, ${status.networkManager.state})`;
                return note ? (
                  <span title={note}>
                    {words}
                    <span className="p-caption p-secondary">{note}</span>
                  </span>
                ) : (
                  words
                );
              },
            },
            { header: 'Host connection', cell: hostConnection },
            { header: 'DHCP', cell: dhcpWord },
            { header: 'Subnet address', cell: subnetWord },
          ]}
          rows={draft.networks}
          rowKey={(n, i) => `${i}`}
          selected={selected}
          onSelect={(index) => dispatch({ type: 'select', index })}
          onActivate={(index) => {
            dispatch({ type: 'select', index });
            setOpen({ dialog: 'rename' });
          }}
          maxHeight={170}
          empty="No virtual networks. Add Network… creates one."
        />
        <div className="p-row-end">
          <Button size="small" variant="outlined" onClick={() => setOpen({ dialog: 'add' })}>
            Add Network…
          </Button>
          <Button
            size="small"
            variant="outlined"
            disabled={selected === undefined}
            onClick={() => selected !== undefined && edit(removeNetwork(draft, selected))}
          >
            Remove Network
          </Button>
          <Button size="small" variant="outlined" disabled={selected === undefined} onClick={() => setOpen({ dialog: 'rename' })}>
            Rename Network…
          </Button>
          <Button
            size="small"
            variant="outlined"
            disabled={network === undefined}
            onClick={() => network && setOpen({ dialog: 'connect-vm', name: network.name })}
          >
            Connect a Virtual Machine…
          </Button>
        </div>
        {network && selected !== undefined && (
          <NetworkInfo key={selected} config={draft} index={selected} errors={errors} adapters={adapters} onChange={(next) => edit(next)} />
        )}
        {summary.length > 0 && (
          <Alert label="Problems in the staged settings">
            <strong>Fix these before applying:</strong>
            {summary.map((e) => {
              const index = e.path[0] === 'networks' && typeof e.path[1] === 'number' ? e.path[1] : undefined;
              const name = index === undefined ? undefined : draft.networks[index]?.name;
              return (
                <div key={formatPath(e.path) + e.message}>
                  {name ? `${name}: ` : ''}
                  {formatPath(e.path)}: {e.message}{' '}
                  {index !== undefined && index !== selected && (
                    <Button size="small" onClick={() => dispatch({ type: 'select', index })}>
                      Show
                    </Button>
                  )}
                </div>
              );
            })}
          </Alert>
        )}
        <HostErrorAlert error={error} onClose={() => setError(undefined)} />
      </div>
      <footer className="p-footer">
        <Button size="small" onClick={() => void onRestoreDefaults()}>
          Restore Defaults
        </Button>
        <Button
          size="small"
          ref={importButton}
          aria-haspopup="menu"
          aria-expanded={importMenu}
          aria-controls={importMenu ? 'import-menu' : undefined}
          onClick={() => void onImport()}
        >
          Import…
        </Button>
        {importMenu && D && (
          <D.Themed>
            <D.ImportMenu
              anchor={importButton.current}
              onClose={() => setImportMenu(false)}
              onFile={() => {
                setImportMenu(false);
                fileInput.current?.click();
              }}
              onFolder={() => {
                setImportMenu(false);
                folderInput.current?.click();
              }}
            />
          </D.Themed>
        )}
        <Button size="small" onClick={() => void onExport()}>
          Export…
        </Button>
        <input
          ref={fileInput}
          type="file"
          hidden
          aria-label="Import settings file"
          accept=".json,.xml,application/json,text/xml,*"
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = '';
            if (file) void onImportFile(file);
          }}
        />
        <input
          // webkitdirectory (not in React's types) makes the browser pick a whole folder.
          ref={(element) => {
            folderInput.current = element;
            element?.setAttribute('webkitdirectory', '');
          }}
          type="file"
          hidden
          multiple
          aria-label="Import settings folder"
          onChange={(event) => {
            const files = [...(event.target.files ?? [])];
            event.target.value = '';
            if (files.length > 0) void onImportFolder(files);
          }}
        />
        <p className="p-footer-status p-body2 p-secondary" role="status">
          {errors.length > 0
            ? `${errors.length} problem${errors.length === 1 ? '' : 's'} to fix`
            : state.unstored
              ? 'Default settings, not applied yet'
              : dirty
                ? 'Changes not applied yet'
                : ''}
        </p>
        <Button
          variant="contained"
          disabled={checked === undefined || checked.length > 0}
          onClick={() => (dirty ? setOpen({ dialog: 'apply', thenClose: true }) : finish(true))}
        >
          OK
        </Button>
        <Button variant="outlined" disabled={!dirty} onClick={() => dispatch({ type: 'discard' })}>
          Cancel
        </Button>
        <Button
          variant="outlined"
          disabled={!dirty || checked === undefined || checked.length > 0}
          onClick={() => setOpen({ dialog: 'apply', thenClose: false })}
        >
          Apply
        </Button>
      </footer>

      {D && (
        <D.Themed>
          {open?.dialog === 'add' && (
            <D.AddNetworkDialog
              config={draft}
              onCancel={() => setOpen(undefined)}
              onOk={(next, index) => {
                edit(next, index);
                setOpen(undefined);
              }}
            />
          )}
          {open?.dialog === 'rename' && selected !== undefined && (
            <D.RenameNetworkDialog
              config={draft}
              index={selected}
              onCancel={() => setOpen(undefined)}
              onOk={(next) => {
                edit(next);
                setOpen(undefined);
              }}
            />
          )}
          {open?.dialog === 'connect-vm' && (
            <D.ConnectVmDialog
              name={open.name}
              status={liveOf(open.name)}
              onClose={() => setOpen(undefined)}
              onChanged={() => live.reload()}
            />
          )}
          {open?.dialog === 'apply' && (
            <D.ApplyDialog config={draft} onClose={() => setOpen(undefined)} onApplied={(result) => onApplied(result, open.thenClose)} />
          )}
          {open?.dialog === 'trial' && (
            <D.TrialDialog
              trial={open.trial}
              onDone={(kept) => {
                if (kept) {
                  setNotice('Changes kept.');
                  finish(open.thenClose);
                  return;
                }
                setNotice(
                  kept === false
                    ? 'The previous settings were put back.'
                    : "The trial ended outside this window; showing the host's current settings.",
                );
                setOpen(undefined);
                reload();
              }}
            />
          )}
          {open?.dialog === 'import-errors' && (
            <D.ImportErrorsDialog fileName={open.fileName} errors={open.errors} onClose={() => setOpen(undefined)} />
          )}
        </D.Themed>
      )}
      {notice !== undefined && (
        <div className="p-snackbar" role="alert">
          <div>{notice}</div>
        </div>
      )}
    </div>
  );
}
