// DHCP and NAT per network: running or stopped, since when, restart; and the
// doctor's findings with what to fix.
import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { DoctorCheck, ServiceState, ServiceStatus } from '../../../src-shared/api/types';
import { useHost, useLive } from '../host/context';
import { HostErrorAlert } from '../components/HostErrorAlert';
import { sinceWords } from '../state/words';
import { HeaderRow, EmptyRow } from '../components/TableParts';

const SERVICE_WORDS = { dhcp: 'DHCP', nat: 'NAT' } as const;

export function ServicesView() {
  const host = useHost();
  const services = useLive((h) => h.services());
  const doctor = useLive((h) => h.doctor(), undefined, 15000);
  const [restarting, setRestarting] = useState<string | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const now = Date.now();

  const restart = async (network: string, service: 'dhcp' | 'nat') => {
    setRestarting(`${network}/${service}`);
    try {
      await host.restartService(network, service);
      setError(undefined);
    } catch (e) {
      setError(e);
    } finally {
      setRestarting(undefined);
      services.reload();
      doctor.reload();
    }
  };

  const rows: { network: string; state: ServiceState & { detail?: string }; extra: string }[] = [];
  for (const s of services.value ?? ([] as ServiceStatus[])) {
    if (s.dhcp) rows.push({ network: s.network, state: s.dhcp, extra: `${s.dhcp.leases} lease${s.dhcp.leases === 1 ? '' : 's'}` });
    if (s.nat)
      rows.push({
        network: s.network,
        state: s.nat,
        extra: `${s.nat.rules} rules, ${s.nat.portForwards} port forward${s.nat.portForwards === 1 ? '' : 's'}`,
      });
  }
  const findings = (doctor.value ?? []).filter((c) => c.status !== 'ok');

  return (
    <Box sx={{ p: 1.5, display: 'flex', flexDirection: 'column', gap: 1, height: '100%', minHeight: 0, overflow: 'auto' }}>
      <Typography variant="h6" component="h2">
        Services
      </Typography>
      <HostErrorAlert error={error ?? services.error} title="Service problem" onClose={() => setError(undefined)} />
      <TableContainer component={Paper} variant="outlined">
        <Table size="small" aria-label="Services">
          <TableHead>
            <HeaderRow headers={['Network', 'Service', 'State', 'Details', '']} />
          </TableHead>
          <TableBody>
            {rows.length === 0 && (
              <EmptyRow columns={5}>
                {services.value === undefined ? 'Reading services…' : 'No DHCP or NAT services are configured.'}
              </EmptyRow>
            )}
            {rows.map(({ network, state, extra }) => (
              <TableRow key={`${network}/${state.service}`}>
                <TableCell>{network}</TableCell>
                <TableCell>{SERVICE_WORDS[state.service]}</TableCell>
                <TableCell>
                  <Chip size="small" color={state.running ? 'success' : 'error'} label={state.running ? 'Running' : 'Stopped'} />{' '}
                  <Typography component="span" variant="body2" color="text.secondary">
                    {state.running ? sinceWords(state.since, now) : ''}
                  </Typography>
                </TableCell>
                <TableCell>
                  {extra}
                  {state.pid ? ` · pid ${state.pid}` : ''}
                  {state.detail ? ` · ${state.detail}` : ''}
                </TableCell>
                <TableCell align="right">
                  <Button
                    size="small"
                    variant="outlined"
                    disabled={restarting !== undefined}
                    aria-label={`Restart ${SERVICE_WORDS[state.service]} on ${network}`}
                    onClick={() => void restart(network, state.service)}
                  >
                    Restart
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      <Stack direction="row" sx={{ alignItems: 'center', mt: 1 }}>
        <Typography variant="subtitle1" component="h3" sx={{ flex: 1 }}>
          Doctor
        </Typography>
        <Button size="small" onClick={doctor.reload}>
          Check again
        </Button>
      </Stack>
      <HostErrorAlert error={doctor.error} title="The doctor could not run" />
      {doctor.value && findings.length === 0 && <Alert severity="success">All {doctor.value.length} checks passed.</Alert>}
      {findings.map((check: DoctorCheck) => (
        <Alert key={`${check.network}/${check.check}`} severity={check.status === 'problem' ? 'error' : 'warning'}>
          <strong>
            {check.network}: {check.check}
          </strong>{' '}
          — {check.detail}
          {check.fix && (
            <div>
              <strong>Fix:</strong> {check.fix}
            </div>
          )}
        </Alert>
      ))}
    </Box>
  );
}
