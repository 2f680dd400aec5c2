// Tables and summary lists for council and provider pages: figures right-aligned so columns add up by eye.
import type { ReactNode } from "react";
import { useId } from "react";

export type Column<Row> = {
  /** Unique within the table; used as the React key. */
  key: string;
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  /** Right-aligned with tabular figures: money, counts, percentages. */
  numeric?: boolean;
  /** The cell names the row (usually the first column), read out with every other cell. */
  rowHeader?: boolean;
};

type DataTableProps<Row> = {
  caption: ReactNode;
  /** Keep the caption for screen readers when a heading above already says it. */
  captionHidden?: boolean;
  columns: ReadonlyArray<Column<Row>>;
  rows: ReadonlyArray<Row>;
  rowKey: (row: Row) => string;
  /** Total rows: pass <tr> elements; use className="numeric" on figure cells. */
  footer?: ReactNode;
  /** Shown instead of the table when there are no rows. */
  empty?: ReactNode;
};

export function DataTable<Row>({ caption, captionHidden = false, columns, rows, rowKey, footer, empty }: DataTableProps<Row>) {
  const captionId = useId();
  if (rows.length === 0 && empty !== undefined) return <p className="table-empty">{empty}</p>;
  return (
    // A wide table scrolls inside its own region on a phone; the region is focusable so keyboards can scroll it.
    <div className="table-wrap" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table className="table">
        <caption id={captionId} className={captionHidden ? "visually-hidden" : undefined}>
          {caption}
        </caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.key} scope="col" className={column.numeric ? "numeric" : undefined}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column) =>
                column.rowHeader ? (
                  <th key={column.key} scope="row" className={column.numeric ? "numeric" : undefined}>
                    {column.cell(row)}
                  </th>
                ) : (
                  <td key={column.key} className={column.numeric ? "numeric" : undefined}>
                    {column.cell(row)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
        {footer ? <tfoot>{footer}</tfoot> : null}
      </table>
    </div>
  );
}

export type SummaryRow = { key: string; label: ReactNode; value: ReactNode; numeric?: boolean };

/** GOV.UK summary list: label and value pairs, such as a programme's settings. */
export function SummaryList({ rows }: { rows: ReadonlyArray<SummaryRow> }) {
  return (
    <dl className="summary-list">
      {rows.map((row) => (
        <div key={row.key} className="summary-list__row">
          <dt className="summary-list__key">{row.label}</dt>
          <dd className={row.numeric ? "summary-list__value numeric" : "summary-list__value"}>{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}
