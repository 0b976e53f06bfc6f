import { useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { api, unwrap } from '../../api/client';
import { messageOf } from '../../api/problem';
import { cellText, formatNumber } from '../../lib/format';
import { labelOf } from '../../../../src/analysis/labels';
import { Card, CardHeader, ErrorNote, Skeleton } from '../ui/card';

const PAGE = 1000;
const ROW_HEIGHT = 32;
const COLUMN_WIDTH = 150;

function cell(value: unknown): string {
  return typeof value === 'number' ? formatNumber(value, Number.isInteger(value) ? 0 : 2) : cellText(value);
}

/**
 * Every row of a dataset in one scrolling table: only the rows in view are
 * in the DOM, and pages of rows load as the reader scrolls towards them.
 */
export function DatasetPreview({ id, rows: total }: { id: string; rows: number }) {
  const preview = useInfiniteQuery({
    queryKey: ['preview', id],
    initialPageParam: 0,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/datasets/{id}/preview', {
          params: { path: { id }, query: { limit: PAGE, offset: pageParam } },
        }),
      ),
    getNextPageParam: (last, pages) => (last.rows.length === PAGE ? pages.length * PAGE : undefined),
  });
  const rows = preview.data?.pages.flatMap((page) => page.rows) ?? [];
  const first = rows[0];
  const columns = first
    ? Object.keys(first).filter((column) => rows.slice(0, PAGE).some((row) => row[column] !== null))
    : [];
  const count = preview.hasNextPage ? Math.max(total, rows.length) : rows.length;

  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtual.getVirtualItems();
  const lastShown = items.at(-1)?.index ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = preview;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastShown >= rows.length - 100) void fetchNextPage();
  }, [lastShown, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  const width = Math.max(columns.length * COLUMN_WIDTH, 640);
  const before = items[0]?.start ?? 0;
  const after = virtual.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <Card>
      <CardHeader
        title="Rows"
        description={`All ${formatNumber(total)} rows and ${formatNumber(columns.length)} columns as the analysis reads them; scroll down and sideways to see more.`}
      />
      {preview.isPending ? (
        <Skeleton className="m-5 h-40" />
      ) : preview.error ? (
        <div className="p-5">
          <ErrorNote>{messageOf(preview.error)}</ErrorNote>
        </div>
      ) : (
        // At most 24 rows high, less for a short file, so the sideways scrollbar sits under the last row.
        <div
          ref={scroller}
          className="max-h-96 overflow-auto"
          tabIndex={0}
          role="region"
          aria-label="Dataset rows"
          data-testid="preview-scroller"
        >
          <table className="text-sm" style={{ width, tableLayout: 'fixed' }} aria-rowcount={count + 1}>
            <colgroup>
              {columns.map((column) => (
                <col key={column} style={{ width: COLUMN_WIDTH }} />
              ))}
            </colgroup>
            <thead className="sticky top-0 z-10 bg-slate-50 text-left text-xs uppercase tracking-wide text-slate-600 shadow-[0_1px_0_#e2e8f0]">
              <tr aria-rowindex={1}>
                {columns.map((column) => (
                  <th key={column} scope="col" className="truncate px-3 py-2 font-medium">
                    {labelOf(column)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {before > 0 && <tr aria-hidden="true" style={{ height: before }} />}
              {items.map((item) => {
                const row = rows[item.index];
                return (
                  <tr
                    key={item.key}
                    aria-rowindex={item.index + 2}
                    style={{ height: ROW_HEIGHT }}
                    className="border-b border-slate-100"
                    data-index={item.index}
                  >
                    {row ? (
                      columns.map((column) => (
                        <td key={column} className="truncate px-3 tabular-nums">
                          {cell(row[column])}
                        </td>
                      ))
                    ) : (
                      <td colSpan={columns.length} className="px-3 text-slate-400">
                        Loading…
                      </td>
                    )}
                  </tr>
                );
              })}
              {after > 0 && <tr aria-hidden="true" style={{ height: after }} />}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
