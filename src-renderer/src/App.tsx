// The editor's window: VMware's network editor as the first tab, and the views
// that go past it (leases, adapters, services, topology).
import { useCallback, useEffect, useReducer, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { VnetApi } from '../../src-shared/ipc/api';
import type { LoadedConfig } from '../../src-shared/api/types';
import { HostProvider, useHost, useLive } from './host/context';
import { hostFromVnet } from './host/vnet-host';
import type { FirstConfig, Settled } from './host/firstConfig';
import { HostErrorAlert } from './components/HostErrorAlert';
import { lazyPart, preloadParts, whenIdle } from './components/lazyPart';
import { EditorView } from './editor/EditorView';
import { editorReducer, initialEditor, isDirty, type EditorState } from './state/editor';

// The other tabs' views load on demand (see lazyPart).
const loading = <p className="p-loading">Loading…</p>;
const AdaptersView = lazyPart(() => import('./views/AdaptersView').then((m) => m.AdaptersView), loading);
const LeasesView = lazyPart(() => import('./views/LeasesView').then((m) => m.LeasesView), loading);
const ServicesView = lazyPart(() => import('./views/ServicesView').then((m) => m.ServicesView), loading);
const TopologyView = lazyPart(() => import('./views/TopologyView').then((m) => m.TopologyView), loading);

const TABS = ['Networks', 'Leases', 'Adapters', 'Services', 'Topology'] as const;
type TabName = (typeof TABS)[number];

/**
 * The view tabs (WAI-ARIA tabs, as MUI's Tabs were): a click or Enter/Space selects,
 * the arrow keys, Home and End move between them. Too narrow a window scrolls them.
 */
function ViewTabs({ tab, onTab, dirty }: { tab: TabName; onTab: (tab: TabName) => void; dirty: boolean }) {
  const list = useRef<HTMLDivElement>(null);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const tabs = [...(list.current?.querySelectorAll<HTMLButtonElement>('[role="tab"]') ?? [])];
    const at = tabs.indexOf(document.activeElement as HTMLButtonElement);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (at < 0 || to === undefined) return;
    event.preventDefault();
    tabs[(to + tabs.length) % tabs.length]?.focus();
  };
  return (
    <div className="p-tabs" role="tablist" aria-label="Views" ref={list} onKeyDown={onKeyDown}>
      {TABS.map((name) => (
        <button
          key={name}
          type="button"
          role="tab"
          className="p-tab"
          id={`tab-${name}`}
          aria-controls={`panel-${name}`}
          aria-selected={name === tab}
          tabIndex={name === tab ? 0 : -1}
          onClick={() => onTab(name)}
        >
          {name === 'Networks' && dirty ? 'Networks •' : name}
        </button>
      ))}
    </div>
  );
}

/** The editor's state from an answer that came before the first render. */
function firstState(settled: Settled | undefined): EditorState {
  if (settled === undefined || !('loaded' in settled)) return initialEditor;
  const { config, source } = settled.loaded;
  return editorReducer(initialEditor, { type: 'loaded', config, stored: source === 'stored' });
}

function Editor({ first }: { first: FirstConfig | undefined }) {
  const host = useHost();
  const [state, dispatch] = useReducer(editorReducer, first?.settled, firstState);
  const [tab, setTab] = useState<TabName>('Networks');
  const [loadError, setLoadError] = useState<unknown>(() => (first?.settled && 'error' in first.settled ? first.settled.error : undefined));
  const [warnings, setWarnings] = useState<string[]>(() =>
    first?.settled && 'loaded' in first.settled ? first.settled.loaded.warnings : [],
  );
  const adapters = useLive((h) => h.adapters(), undefined, 10000);

  const take = useCallback((answer: Promise<LoadedConfig>) => {
    answer.then(
      (loaded) => {
        dispatch({ type: 'loaded', config: loaded.config, stored: loaded.source === 'stored' });
        setWarnings(loaded.warnings);
        setLoadError(undefined);
      },
      (error: unknown) => setLoadError(error),
    );
  }, []);
  const load = useCallback(() => take(host.getConfig()), [host, take]);
  // The first answer was asked for before the first render (main.tsx); it is not asked again.
  const [firstAnswer] = useState(first);
  useEffect(() => {
    if (firstAnswer === undefined) load();
    else if (firstAnswer.settled === undefined) take(firstAnswer.answer);
  }, [firstAnswer, load, take]);

  // Once the networks are on screen, the dialogs' and other views' code loads while the user reads.
  const shown = state.draft !== undefined;
  useEffect(() => {
    if (shown) return whenIdle(() => void preloadParts());
  }, [shown]);

  const dirty = isDirty(state);
  useEffect(() => {
    document.title = `${dirty ? '• ' : ''}Virtual Network Editor`;
  }, [dirty]);

  return (
    <div className="p-window">
      <header className="p-app-bar">
        <h1 className="p-title">Virtual Network Editor</h1>
        <ViewTabs tab={tab} onTab={setTab} dirty={dirty} />
      </header>
      {loadError !== undefined && <HostErrorAlert title="Cannot read the network settings" error={loadError} />}
      {warnings.map((w) => (
        <HostErrorAlert
          key={w}
          title="About the stored settings"
          error={w}
          onClose={() => setWarnings((all) => all.filter((x) => x !== w))}
        />
      ))}
      <main className="p-main" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'Networks' && <EditorView state={state} dispatch={dispatch} adapters={adapters.value ?? []} reload={load} />}
        {tab === 'Leases' && <LeasesView state={state} dispatch={dispatch} />}
        {tab === 'Adapters' && <AdaptersView adapters={adapters} />}
        {tab === 'Services' && <ServicesView />}
        {tab === 'Topology' && <TopologyView config={state.saved} adapters={adapters} />}
      </main>
    </div>
  );
}

/** `first`: the settings asked for before the first render (main.tsx); without it the editor asks on its own. */
export function App({ api, first }: { api: VnetApi; first?: FirstConfig }) {
  const host = useMemo(() => hostFromVnet(api), [api]);
  return (
    <HostProvider value={host}>
      <Editor first={first} />
    </HostProvider>
  );
}
