// Live DHCP leases per network, with one click to turn a lease into a reservation.
import { useState, type Dispatch } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Snackbar from '@mui/material/Snackbar';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Paper from '@mui/material/Paper';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { hasSubnet, type RoutedNetwork } from '../../../src-shared/model';
import type { Lease } from '../../../src-shared/api/types';
import { useLive } from '../host/context';
import { HostErrorAlert } from '../components/HostErrorAlert';
import { ReservationDialog } from '../editor/ReservationDialog';
import { updateNetwork } from '../state/draft';
import type { EditorAction, EditorState } from '../state/editor';
import { expiryWords } from '../state/words';
import { HeaderRow, EmptyRow } from '../components/TableParts';

interface Props {
  state: EditorState;
  dispatch: Dispatch<EditorAction>;
}

/** True when the draft already reserves this lease's MAC or address on its network. */
export function isReserved(network: RoutedNetwork | undefined, lease: Lease): boolean {
  return !!network?.dhcp.reservations.some((r) => r.mac.toLowerCase() === lease.mac.toLowerCase() || r.address === lease.address);
}

export function LeasesView({ state, dispatch }: Props) {
  const leases = useLive((host) => host.leases(), 'leases');
  const [filter, setFilter] = useState('all');
  const [reserving, setReserving] = useState<Lease | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const draft = state.draft;
  const rows = (leases.value ?? []).filter((l) => filter === 'all' || l.network === filter);
  const networks = [
    ...new Set([...(draft?.networks.filter(hasSubnet).map((n) => n.name) ?? []), ...(leases.value ?? []).map((l) => l.network)]),
  ];
  const routed = (name: string): { index: number; network: RoutedNetwork } | undefined => {
    const index = draft?.networks.findIndex((n) => n.name === name) ?? -1;
    const network = draft?.networks[index];
    return network && hasSubnet(network) ? { index, network } : undefined;
  };
  const now = Date.now();

  return (
    <Box sx={{ p: 1.5, display: 'flex', flexDirection: 'column', gap: 1, height: '100%', minHeight: 0 }}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Typography variant="h6" component="h2" sx={{ flex: 1 }}>
          DHCP leases
        </Typography>
        <TextField
          size="small"
          select
          label="Network"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          slotProps={{ select: { native: true } }}
          sx={{ minWidth: 160 }}
        >
          <option value="all">All networks</option>
          {networks.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </TextField>
      </Stack>
      <HostErrorAlert error={leases.error} title="Cannot read the leases" />
      <TableContainer component={Paper} variant="outlined" sx={{ flex: 1, minHeight: 0 }}>
        <Table size="small" stickyHeader aria-label="DHCP leases">
          <TableHead>
            <HeaderRow headers={['Network', 'MAC address', 'IP address', 'Hostname', 'Expires', '']} />
          </TableHead>
          <TableBody>
            {rows.length === 0 && (
              <EmptyRow columns={6}>
                {leases.value === undefined ? 'Reading leases…' : 'No leases yet. Virtual machines appear here when they get an address.'}
              </EmptyRow>
            )}
            {rows.map((lease) => {
              const target = routed(lease.network);
              const reserved = isReserved(target?.network, lease);
              return (
                <TableRow key={`${lease.network}-${lease.mac}`}>
                  <TableCell>{lease.network}</TableCell>
                  <TableCell sx={{ fontFamily: 'monospace' }}>{lease.mac}</TableCell>
                  <TableCell>
                    {lease.address}
                    {/* The guest's IPv6 addresses, from the bridge's neighbour table (SLAAC gives no lease). */}
                    {lease.ipv6?.map((address) => (
                      <Typography key={address} variant="body2" color="text.secondary" sx={{ fontFamily: 'monospace' }}>
                        {address}
                      </Typography>
                    ))}
                  </TableCell>
                  <TableCell>
                    {lease.hostname || '-'}
                    {/* The libvirt domain with this MAC, where libvirt knows it. */}
                    {lease.vm && (
                      <Typography component="span" variant="body2" color="text.secondary">
                        {' '}
                        (VM {lease.vm})
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell>{expiryWords(lease.expires, now)}</TableCell>
                  <TableCell align="right">
                    <Button
                      size="small"
                      variant="outlined"
                      disabled={!target || reserved}
                      // The name says what the button shows: a reserved lease's button is a disabled "Reserved".
                      aria-label={
                        reserved
                          ? `Address ${lease.address} is reserved for ${lease.mac}`
                          : `Reserve this address ${lease.address} for ${lease.mac}`
                      }
                      onClick={() => setReserving(lease)}
                    >
                      {reserved ? 'Reserved' : 'Reserve this address'}
                    </Button>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </TableContainer>
      {reserving && draft && routed(reserving.network) && (
        <ReservationDialog
          config={draft}
          networkIndex={routed(reserving.network)!.index}
          dhcp={routed(reserving.network)!.network.dhcp}
          initial={{ mac: reserving.mac, address: reserving.address, ...(reserving.hostname ? { hostname: reserving.hostname } : {}) }}
          onCancel={() => setReserving(undefined)}
          onOk={(reservation) => {
            const { index } = routed(reserving.network)!;
            const next = updateNetwork(draft, index, (n) =>
              hasSubnet(n) ? { ...n, dhcp: { ...n.dhcp, reservations: [...n.dhcp.reservations, reservation] } } : n,
            );
            dispatch({ type: 'edit', draft: next });
            setReserving(undefined);
            setNotice(`Reservation of ${reservation.address} staged on ${reserving.network}. Apply it in the Networks tab.`);
          }}
        />
      )}
      <Snackbar open={notice !== undefined} autoHideDuration={6000} message={notice} onClose={() => setNotice(undefined)} />
    </Box>
  );
}
