// A small table whose rows are picked like VMware's lists: click, or arrow keys
// and Enter/Space when the table has focus. Plain elements (plain.css), as it is on
// the first screen; the dialogs' tables are the same component.
import type { KeyboardEvent, ReactNode } from 'react';

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
    <div className="p-table-box" style={{ maxHeight }}>
      <table className="p-table" aria-label={label}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.header} scope="col" style={{ width: column.width }}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns.length} className="p-empty">
                {empty ?? 'Nothing here yet.'}
              </td>
            </tr>
          )}
          {rows.map((row, index) => (
            <tr
              key={rowKey(row, index)}
              className="p-row"
              aria-selected={index === selected}
              tabIndex={index === selected || (selected === undefined && index === 0) ? 0 : -1}
              onClick={() => onSelect(index)}
              onDoubleClick={() => onActivate?.(index)}
              onKeyDown={(event) => onKeyDown(event, index)}
            >
              {columns.map((column) => (
                <td key={column.header}>{column.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
