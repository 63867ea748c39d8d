// The browser's Import… asks what to import: one settings file, or a VMware settings folder.
import Menu from '@mui/material/Menu';
import MenuItem from '@mui/material/MenuItem';

interface Props {
  anchor: HTMLElement | null;
  onClose: () => void;
  onFile: () => void;
  onFolder: () => void;
}

export function ImportMenu({ anchor, onClose, onFile, onFolder }: Props) {
  return (
    <Menu id="import-menu" anchorEl={anchor} open onClose={onClose}>
      <MenuItem onClick={onFile}>Settings file… (VMware networking, libvirt XML, networks.json)</MenuItem>
      <MenuItem onClick={onFolder}>VMware settings folder… (/etc/vmware)</MenuItem>
    </Menu>
  );
}
