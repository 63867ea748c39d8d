// The editor's window: VMware's network editor as the first tab, and the views
// that go past it (leases, adapters, services, topology).
import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import CssBaseline from '@mui/material/CssBaseline';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import useMediaQuery from '@mui/material/useMediaQuery';
import { ThemeProvider } from '@mui/material/styles';
import type { VnetApi } from '../../src-shared/ipc/api';
import type { LoadedConfig } from '../../src-shared/api/types';
import { HostProvider, useHost, useLive } from './host/context';
import { hostFromVnet } from './host/vnet-host';
import type { FirstConfig, Settled } from './host/firstConfig';
import { HostErrorAlert } from './components/HostErrorAlert';
import { lazyPart, preloadParts } from './components/lazyPart';
import { EditorView } from './editor/EditorView';
import { editorReducer, initialEditor, isDirty, type EditorState } from './state/editor';
import { makeTheme } from './theme';

// The other tabs' views load on demand (see lazyPart).
const loading = <Typography sx={{ p: 2 }}>Loading…</Typography>;
const AdaptersView = lazyPart(() => import('./views/AdaptersView').then((m) => m.AdaptersView), loading);
const LeasesView = lazyPart(() => import('./views/LeasesView').then((m) => m.LeasesView), loading);
const ServicesView = lazyPart(() => import('./views/ServicesView').then((m) => m.ServicesView), loading);
const TopologyView = lazyPart(() => import('./views/TopologyView').then((m) => m.TopologyView), loading);

const TABS = ['Networks', 'Leases', 'Adapters', 'Services', 'Topology'] as const;
type TabName = (typeof TABS)[number];

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
    if (!shown) return;
    const idle = window.requestIdleCallback?.(() => void preloadParts(), { timeout: 1000 });
    const timer = idle === undefined ? setTimeout(() => void preloadParts(), 200) : undefined;
    return () => {
      if (idle !== undefined) window.cancelIdleCallback(idle);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [shown]);

  const dirty = isDirty(state);
  useEffect(() => {
    document.title = `${dirty ? '• ' : ''}Virtual Network Editor`;
  }, [dirty]);

  return (
    <Box sx={{ height: '100vh', display: 'flex', flexDirection: 'column', minWidth: 0 }}>
      <AppBar position="static" color="default" elevation={0} sx={{ borderBottom: 1, borderColor: 'divider' }}>
        <Toolbar variant="dense" sx={{ gap: 2 }}>
          <Typography variant="subtitle1" component="h1" sx={{ fontWeight: 600, whiteSpace: 'nowrap' }}>
            Virtual Network Editor
          </Typography>
          <Tabs value={tab} onChange={(_, value: TabName) => setTab(value)} aria-label="Views" variant="scrollable">
            {TABS.map((name) => (
              <Tab
                key={name}
                value={name}
                label={name === 'Networks' && dirty ? 'Networks •' : name}
                id={`tab-${name}`}
                aria-controls={`panel-${name}`}
              />
            ))}
          </Tabs>
        </Toolbar>
      </AppBar>
      {loadError !== undefined && <HostErrorAlert title="Cannot read the network settings" error={loadError} />}
      {warnings.map((w) => (
        <HostErrorAlert
          key={w}
          title="About the stored settings"
          error={w}
          onClose={() => setWarnings((all) => all.filter((x) => x !== w))}
        />
      ))}
      <Box
        component="main"
        role="tabpanel"
        id={`panel-${tab}`}
        aria-labelledby={`tab-${tab}`}
        sx={{ flex: 1, minHeight: 0, overflow: 'hidden' }}
      >
        {tab === 'Networks' && <EditorView state={state} dispatch={dispatch} adapters={adapters.value ?? []} reload={load} />}
        {tab === 'Leases' && <LeasesView state={state} dispatch={dispatch} />}
        {tab === 'Adapters' && <AdaptersView adapters={adapters} />}
        {tab === 'Services' && <ServicesView />}
        {tab === 'Topology' && <TopologyView config={state.saved} adapters={adapters} />}
      </Box>
    </Box>
  );
}

/** `first`: the settings asked for before the first render (main.tsx); without it the editor asks on its own. */
export function App({ api, first }: { api: VnetApi; first?: FirstConfig }) {
  const host = useMemo(() => hostFromVnet(api), [api]);
  const dark = useMediaQuery('(prefers-color-scheme: dark)');
  const theme = useMemo(() => makeTheme(dark ? 'dark' : 'light'), [dark]);
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <HostProvider value={host}>
        <Editor first={first} />
      </HostProvider>
    </ThemeProvider>
  );
}
