// "Connect a Virtual Machine…": which hypervisors see the network, the exact text to
// put into each of them, and the user's consent for QEMU's bridge helper.
import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import type { HypervisorView, NetworkStatus } from '../../../src-shared/api/types';
import { HostErrorAlert } from '../components/HostErrorAlert';
import { useHost } from '../host/context';
import { vmSnippets } from '../state/vm-snippets';

const HYPERVISOR_NAMES: Record<HypervisorView['hypervisor'], string> = {
  libvirt: 'libvirt (virt-manager, virsh, virt-install, Cockpit)',
  'qemu-bridge-helper': "QEMU's bridge helper (GNOME Boxes, qemu:///session)",
  virtualbox: 'VirtualBox',
};

interface Props {
  name: string;
  /** The network's live status (undefined: not applied yet). */
  status: NetworkStatus | undefined;
  onClose: () => void;
  /** After the bridge helper consent changed, so the live status is read again. */
  onChanged: () => void;
}

function Snippet({ id, text }: { id: string; text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
      <Typography
        component="pre"
        data-testid={`snippet-${id}`}
        sx={{
          m: 0,
          p: 1,
          flex: 1,
          fontFamily: 'monospace',
          fontSize: 12,
          bgcolor: 'action.hover',
          borderRadius: 1,
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-all',
        }}
      >
        {text}
      </Typography>
      <Button
        size="small"
        aria-label={`Copy ${id}`}
        onClick={() =>
          void navigator.clipboard?.writeText(text).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? 'Copied' : 'Copy'}
      </Button>
    </Stack>
  );
}

export function ConnectVmDialog({ name, status, onClose, onChanged }: Props) {
  const host = useHost();
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const views = status?.hypervisors ?? [];
  const libvirt = views.find((v) => v.hypervisor === 'libvirt');
  const helper = views.find((v) => v.hypervisor === 'qemu-bridge-helper');
  const helperAllowed = helper !== undefined && !helper.detail.startsWith('not allowed');
  const snippets = vmSnippets(name, libvirt?.sees ?? false);

  const setAllowed = async (allowed: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      await host.setBridgeHelper(allowed);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth aria-labelledby="connect-vm-title">
      <DialogTitle id="connect-vm-title">Connect a Virtual Machine to {name}</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <Typography variant="body2">
            A VM joins {name} by attaching its network adapter to the bridge <strong>{name}</strong>
            {libvirt?.sees ? (
              <>
                , which libvirt also lists as the network <strong>{name}</strong>
              </>
            ) : null}
            .
          </Typography>
          {status === undefined && <Alert severity="info">{name} is not applied yet: apply first, then connect VMs to it.</Alert>}
          {views.length > 0 && (
            <Stack component="ul" spacing={0.5} sx={{ m: 0, pl: 3 }} aria-label="Hypervisors">
              {views.map((v) => (
                <Typography component="li" variant="body2" key={v.hypervisor}>
                  {HYPERVISOR_NAMES[v.hypervisor]}: {v.sees ? 'sees it' : 'does not see it'} — {v.detail}
                </Typography>
              ))}
            </Stack>
          )}
          {snippets.map((s) => (
            <Stack key={s.id} spacing={0.5}>
              <Typography variant="subtitle2">{s.title}</Typography>
              <Typography variant="body2">{s.how}</Typography>
              {s.text !== undefined && <Snippet id={s.id} text={s.text} />}
            </Stack>
          ))}
          <FormControlLabel
            control={
              <Checkbox
                checked={helperAllowed}
                disabled={busy || status === undefined}
                onChange={(e) => void setAllowed(e.target.checked)}
              />
            }
            label="Let QEMU's bridge helper (GNOME Boxes, unprivileged QEMU) use this app's networks — adds one include line to /etc/qemu/bridge.conf"
          />
          <HostErrorAlert error={error} title="Cannot change the bridge helper's permission" onClose={() => setError(undefined)} />
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
