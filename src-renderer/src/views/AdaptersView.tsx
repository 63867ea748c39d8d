// Every host adapter with an on/off switch, its addresses, state and live traffic.
// Switching off the adapter that carries the default route (or a bridged uplink) asks first.
import { useEffect, useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Paper from '@mui/material/Paper';
import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { Adapter, TrialState } from '../../../src-shared/api/types';
import { TRIAL_SECONDS } from '../editor/ApplyDialog';
import { TrialDialog } from '../editor/TrialDialog';
import { useHost } from '../host/context';
import type { Live } from '../host/context';
import { HostErrorAlert } from '../components/HostErrorAlert';
import { Sparkline } from '../components/Sparkline';
import { addRates, type RateHistory } from '../state/rates';
import { formatRate } from '../state/words';
import { HeaderRow } from '../components/TableParts';

const KIND_WORDS: Record<Adapter['kind'], string> = {
  physical: 'Wired',
  wireless: 'Wireless',
  bridge: 'Bridge',
  vnet: 'Virtual network',
  veth: 'Virtual pair',
  tap: 'Tap',
  loopback: 'Loopback',
  other: 'Other',
};

/** Why switching this adapter off is risky, in words, or undefined when it is not. */
export function switchOffRisk(adapter: Adapter): string | undefined {
  if (adapter.defaultRoute)
    return `${adapter.name} carries this computer's default route: switching it off cuts the connection to other networks and the internet.`;
  if (adapter.risky)
    return `${adapter.name} is a bridged uplink: switching it off disconnects this computer and its bridged virtual machines from the LAN.`;
  return undefined;
}

export function AdaptersView({ adapters }: { adapters: Live<Adapter[]> }) {
  const host = useHost();
  const [history, setHistory] = useState<RateHistory>({});
  const [confirming, setConfirming] = useState<Adapter | undefined>(undefined);
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [trial, setTrial] = useState<TrialState | undefined>(undefined);

  // Rates are pushed about once a second; when no push came for a while, ask instead.
  useEffect(() => {
    let lastPush = 0;
    const off = host.on('adapterRates', (samples) => {
      lastPush = Date.now();
      setHistory((prev) => addRates(prev, samples));
    });
    const timer = setInterval(() => {
      if (Date.now() - lastPush < 3000) return;
      host.rates().then(
        (samples) => setHistory((prev) => addRates(prev, samples)),
        () => undefined,
      );
    }, 2000);
    return () => {
      off();
      clearInterval(timer);
    };
  }, [host]);

  const setUp = async (adapter: Adapter, up: boolean) => {
    setConfirming(undefined);
    setBusy(adapter.name);
    try {
      // Switching off a risky adapter is a trial: if the connection to this editor is lost, the host switches it back on.
      const risky = !up && switchOffRisk(adapter) !== undefined;
      const { trial: started, warnings } = await host.setAdapter(adapter.name, up, risky ? TRIAL_SECONDS : undefined);
      if (started) setTrial(started);
      setError(
        warnings.length > 0 ? new Error(`${adapter.name} was switched ${up ? 'on' : 'off'}, but: ${warnings.join('; ')}`) : undefined,
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
      adapters.reload();
    }
  };
  const onToggle = (adapter: Adapter, up: boolean) => {
    if (!up && switchOffRisk(adapter)) setConfirming(adapter);
    else void setUp(adapter, up);
  };

  return (
    <Box sx={{ p: 1.5, display: 'flex', flexDirection: 'column', gap: 1, height: '100%', minHeight: 0 }}>
      <Typography variant="h6" component="h2">
        Host adapters
      </Typography>
      <HostErrorAlert error={error ?? adapters.error} title="Adapter problem" onClose={() => setError(undefined)} />
      <TableContainer component={Paper} variant="outlined" sx={{ flex: 1, minHeight: 0 }}>
        <Table size="small" stickyHeader aria-label="Host adapters">
          <TableHead>
            <HeaderRow headers={['On', 'Adapter', 'Kind', 'State', 'Addresses', 'Traffic']} />
          </TableHead>
          <TableBody>
            {(adapters.value ?? []).map((adapter) => {
              const rates = history[adapter.name] ?? { rx: [], tx: [] };
              const rx = rates.rx.at(-1) ?? 0;
              const tx = rates.tx.at(-1) ?? 0;
              return (
                <TableRow key={adapter.name}>
                  <TableCell padding="checkbox">
                    <Switch
                      checked={adapter.adminUp}
                      disabled={busy === adapter.name || adapter.kind === 'loopback'}
                      onChange={(event) => onToggle(adapter, event.target.checked)}
                      slotProps={{ input: { 'aria-label': `Switch adapter ${adapter.name} on/off` } }}
                    />
                  </TableCell>
                  <TableCell>
                    <strong>{adapter.name}</strong>
                    {adapter.defaultRoute && <Chip size="small" label="default route" sx={{ ml: 1 }} />}
                    {adapter.managed && <Chip size="small" label="this app" sx={{ ml: 1 }} />}
                    {adapter.master && (
                      <Typography variant="caption" color="text.secondary" component="div">
                        in bridge {adapter.master}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell>{KIND_WORDS[adapter.kind]}</TableCell>
                  <TableCell>
                    {adapter.adminUp ? 'On' : 'Off'} · {adapter.operState}
                    {adapter.speedMbps ? ` · ${adapter.speedMbps} Mb/s` : ''}
                  </TableCell>
                  <TableCell sx={{ maxWidth: 220 }}>
                    {adapter.addresses.length === 0 ? '-' : adapter.addresses.map((a) => <div key={a}>{a}</div>)}
                    {adapter.mac && (
                      <Typography variant="caption" color="text.secondary" sx={{ fontFamily: 'monospace' }}>
                        {adapter.mac}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell>
                    <Sparkline rx={rates.rx} tx={rates.tx} label={`${adapter.name} traffic: ${formatRate(rx)} in, ${formatRate(tx)} out`} />
                    <Typography variant="caption" color="text.secondary">
                      ↓ {formatRate(rx)} ↑ {formatRate(tx)}
                    </Typography>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </TableContainer>
      {confirming && (
        <Dialog open onClose={() => setConfirming(undefined)} aria-labelledby="switch-off-title" aria-describedby="switch-off-text">
          <DialogTitle id="switch-off-title">Switch off {confirming.name}?</DialogTitle>
          <DialogContent>
            <DialogContentText id="switch-off-text">{switchOffRisk(confirming)}</DialogContentText>
            <DialogContentText sx={{ mt: 1 }}>
              It is switched off as a {TRIAL_SECONDS}-second trial: unless you choose Keep changes afterwards, it is switched back on by
              itself.
            </DialogContentText>
          </DialogContent>
          <DialogActions>
            <Button color="error" onClick={() => void setUp(confirming, false)}>
              Switch off
            </Button>
            <Button variant="contained" autoFocus onClick={() => setConfirming(undefined)}>
              Keep on
            </Button>
          </DialogActions>
        </Dialog>
      )}
      {trial && (
        <TrialDialog
          trial={trial}
          onDone={() => {
            setTrial(undefined);
            adapters.reload();
          }}
        />
      )}
    </Box>
  );
}
