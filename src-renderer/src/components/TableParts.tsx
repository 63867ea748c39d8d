// Header and "nothing here yet" rows shared by the views' tables.
import type { ReactNode } from 'react';
import TableCell from '@mui/material/TableCell';
import TableRow from '@mui/material/TableRow';

export function HeaderRow({ headers }: { headers: readonly string[] }) {
  return (
    <TableRow>
      {headers.map((h) => (
        <TableCell key={h} sx={{ fontWeight: 600 }}>
          {h}
        </TableCell>
      ))}
    </TableRow>
  );
}

export function EmptyRow({ columns, children }: { columns: number; children: ReactNode }) {
  return (
    <TableRow>
      <TableCell colSpan={columns} sx={{ color: 'text.secondary' }}>
        {children}
      </TableCell>
    </TableRow>
  );
}
