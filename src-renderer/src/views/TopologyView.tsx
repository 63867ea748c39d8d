// A live picture of the host, its uplinks, the virtual networks' bridges, the
// host adapters and the guests that hold leases.
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import type { Config } from '../../../src-shared/model';
import type { Adapter } from '../../../src-shared/api/types';
import { useLive, type Live } from '../host/context';
import { HostErrorAlert } from '../components/HostErrorAlert';
import { topologyLayout, type TopologyNode } from '../state/topology';

/** The host and the outside span the picture: lines meet them straight from above or below. */
function wide(node: TopologyNode): boolean {
  return node.kind === 'host' || node.kind === 'outside';
}

function center(node: TopologyNode): { x: number; y: number } {
  return { x: node.x + node.width / 2, y: node.y + node.height / 2 };
}

export function TopologyView({ config, adapters }: { config: Config | undefined; adapters: Live<Adapter[]> }) {
  const theme = useTheme();
  const status = useLive((h) => h.status(), 'status');
  const leases = useLive((h) => h.leases(), 'leases');
  if (!config) return <Typography sx={{ p: 2 }}>Loading…</Typography>;
  const layout = topologyLayout(config, status.value, leases.value ?? [], adapters.value ?? []);
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  // Opaque fills: a bridged uplink's line runs behind the host box, as the uplink is no longer the host's own port.
  const fill = (node: TopologyNode) =>
    node.kind === 'host' || node.kind === 'outside'
      ? theme.palette.mode === 'dark'
        ? theme.palette.grey[900]
        : theme.palette.grey[100]
      : node.kind === 'guest'
        ? theme.palette.background.default
        : theme.palette.background.paper;
  const stroke = (node: TopologyNode) => (node.up ? theme.palette.primary.main : theme.palette.error.main);
  const summary = `Topology: ${config.networks.length} networks, ${(leases.value ?? []).length} guests with leases`;

  return (
    <Box sx={{ p: 1.5, height: '100%', overflow: 'auto' }}>
      <Typography variant="h6" component="h2">
        Topology
      </Typography>
      <Typography variant="body2" color="text.secondary" gutterBottom>
        What is applied on the host now. Red outlines are bridges or adapters that are down or missing.
      </Typography>
      <HostErrorAlert error={status.error} title="Cannot read the live state" />
      <svg
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        width="100%"
        style={{ maxWidth: layout.width, minWidth: 600, display: 'block' }}
        role="img"
        aria-label={summary}
        fontFamily={theme.typography.fontFamily}
      >
        {layout.edges.map((edge) => {
          const from = byId.get(edge.from);
          const to = byId.get(edge.to);
          if (!from || !to) return null;
          const a = center(from);
          const b = center(to);
          const y1 = from.y + from.height;
          const y2 = to.y;
          return (
            <g key={`${edge.from}->${edge.to}`}>
              <line
                x1={wide(from) ? b.x : a.x}
                y1={y1}
                x2={wide(to) && !wide(from) ? a.x : b.x}
                y2={y2}
                stroke={theme.palette.text.secondary}
                strokeDasharray={edge.dashed ? '4 4' : undefined}
              />
              {edge.label && (
                <text x={b.x + 4} y={(y1 + y2) / 2 + 4} fontSize={11} fill={theme.palette.text.secondary}>
                  {edge.label}
                </text>
              )}
            </g>
          );
        })}
        {layout.nodes.map((node) => (
          <g key={node.id}>
            <rect
              x={node.x}
              y={node.y}
              width={node.width}
              height={node.height}
              rx={node.kind === 'outside' ? 17 : 6}
              fill={fill(node)}
              stroke={node.kind === 'more' ? 'none' : stroke(node)}
            />
            <text x={node.x + 8} y={node.y + 16} fontSize={13} fontWeight={600} fill={theme.palette.text.primary}>
              {node.title}
            </text>
            {node.lines.map((line, i) => (
              <text key={i} x={node.x + 8} y={node.y + 31 + i * 14} fontSize={11} fill={theme.palette.text.secondary}>
                {line}
              </text>
            ))}
          </g>
        ))}
      </svg>
    </Box>
  );
}
