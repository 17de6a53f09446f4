import type { ComponentChildren } from 'preact';
import './kit.css';

export interface Column {
  label: string;
  /** Right-aligned with tabular figures: amounts, counts, durations. */
  numeric?: boolean;
}

export interface Row {
  key: string;
  cells: ComponentChildren[];
}

/**
 * A table with a caption and column headers, the first cell of each row its header. On a
 * phone each row becomes a card whose cells carry their column's name, so no table ever
 * makes the page scroll sideways.
 */
export function DataTable({
  caption,
  captionHidden,
  columns,
  rows,
  testId,
}: {
  caption: string;
  captionHidden?: boolean;
  columns: Column[];
  rows: Row[];
  testId?: string;
}) {
  const cellClass = (index: number) => (columns[index]?.numeric ? 'numeric' : undefined);
  return (
    <table class="data-table" data-testid={testId}>
      {/* Hidden when a heading just above already says it; screen readers still name the table by it. */}
      <caption class={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
      <thead>
        <tr>
          {columns.map((column, index) => (
            <th key={column.label} scope="col" class={cellClass(index)}>
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            {row.cells.map((cell, index) =>
              index === 0 ? (
                <th key={index} scope="row" data-label={columns[0]?.label}>
                  {cell}
                </th>
              ) : (
                <td key={index} class={cellClass(index)} data-label={columns[index]?.label}>
                  {cell}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
