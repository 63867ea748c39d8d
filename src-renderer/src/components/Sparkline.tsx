// A tiny SVG line chart of recent traffic, received and sent.
import { useTheme } from '@mui/material/styles';

interface Props {
  rx: readonly number[];
  tx: readonly number[];
  label: string;
  width?: number;
  height?: number;
}

/** Points for an SVG polyline, scaled so the largest value touches the top. */
export function sparkPoints(values: readonly number[], width: number, height: number, max: number): string {
  if (values.length === 0) return '';
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const scale = max > 0 ? (height - 2) / max : 0;
  return values.map((v, i) => `${(i * step).toFixed(1)},${(height - 1 - v * scale).toFixed(1)}`).join(' ');
}

export function Sparkline({ rx, tx, label, width = 140, height = 32 }: Props) {
  const theme = useTheme();
  const max = Math.max(1, ...rx, ...tx);
  return (
    <svg width={width} height={height} role="img" aria-label={label} style={{ display: 'block' }}>
      <title>{label}</title>
      <rect x={0} y={0} width={width} height={height} fill="none" stroke={theme.palette.divider} />
      <polyline points={sparkPoints(rx, width, height, max)} fill="none" stroke={theme.palette.primary.main} strokeWidth={1.5} />
      <polyline points={sparkPoints(tx, width, height, max)} fill="none" stroke={theme.palette.secondary.main} strokeWidth={1.5} />
    </svg>
  );
}
