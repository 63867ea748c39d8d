// A small table whose rows are picked like VMware's lists: click, or arrow keys
// and Enter/Space when the table has focus.
import type { KeyboardEvent, ReactNode } from 'react';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Paper from '@mui/material/Paper';

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  width?: number | string;
}

interface Props<T> {
  label: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T, index: number) => string;
  selected: number | undefined;
  onSelect: (index: number) => void;
  onActivate?: (index: number) => void;
  maxHeight?: number;
  empty?: string;
}

export function SelectableTable<T>({ label, columns, rows, rowKey, selected, onSelect, onActivate, maxHeight, empty }: Props<T>) {
  const onKeyDown = (event: KeyboardEvent<HTMLTableRowElement>, index: number) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = Math.min(rows.length - 1, Math.max(0, index + (event.key === 'ArrowDown' ? 1 : -1)));
      onSelect(next);
      const row = event.currentTarget.parentElement?.children[next] as HTMLElement | undefined;
      row?.focus();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (onActivate) onActivate(index);
      else onSelect(index);
    } else if (event.key === ' ') {
      event.preventDefault();
      onSelect(index);
    }
  };
  return (
    <TableContainer component={Paper} variant="outlined" sx={{ maxHeight }}>
      <Table size="small" stickyHeader aria-label={label}>
        <TableHead>
          <TableRow>
            {columns.map((column) => (
              <TableCell key={column.header} sx={{ width: column.width, fontWeight: 600, py: 0.5 }}>
                {column.header}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.length === 0 && (
            <TableRow>
              <TableCell colSpan={columns.length} sx={{ color: 'text.secondary' }}>
                {empty ?? 'Nothing here yet.'}
              </TableCell>
            </TableRow>
          )}
          {rows.map((row, index) => (
            <TableRow
              key={rowKey(row, index)}
              hover
              selected={index === selected}
              aria-selected={index === selected}
              tabIndex={index === selected || (selected === undefined && index === 0) ? 0 : -1}
              onClick={() => onSelect(index)}
              onDoubleClick={() => onActivate?.(index)}
              onKeyDown={(event) => onKeyDown(event, index)}
              sx={{ cursor: 'pointer' }}
            >
              {columns.map((column) => (
                <TableCell key={column.header} sx={{ py: 0.5 }}>
                  {column.cell(row)}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
