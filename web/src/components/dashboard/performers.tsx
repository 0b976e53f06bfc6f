import type { MetricRow } from '../../api/types';
import { cellText, currencyLabel, formatMoney, formatNumber, formatPercent } from '../../lib/format';
import { Card, CardHeader } from '../ui/card';
// The one rule the deck and the PDF also use, imported as it is (it has no imports of its own).
import { extremesNote, NOT_ENOUGH_CAMPAIGNS, rankExtremes, type Ranking } from '../../../../src/analysis/extremes';

type Row = MetricRow & Record<string, unknown>;

function List({
  title,
  rows,
  ranking,
  currency,
  tone,
}: {
  title: string;
  rows: Row[];
  ranking: Ranking | null;
  currency: string | null;
  tone: 'good' | 'bad';
}) {
  const value = (row: Row) =>
    ranking?.kpi === 'roas'
      ? `${formatNumber(row.roas, 2)}×`
      : ranking?.kpi === 'cpa'
        ? formatMoney(row.cpa, currency)
        : formatPercent(row.ctr);
  return (
    <div className="min-w-0 flex-1">
      <h3 className={tone === 'good' ? 'text-sm font-semibold text-emerald-800' : 'text-sm font-semibold text-red-800'}>
        {title}
      </h3>
      {rows.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">{NOT_ENOUGH_CAMPAIGNS}</p>
      ) : (
        <ol className="mt-2 space-y-2">
          {rows.map((row) => (
            <li key={cellText(row.campaign, '(none)')} className="flex items-baseline justify-between gap-3 text-sm">
              <span className="min-w-0 break-words font-medium text-slate-800">{cellText(row.campaign, '(none)')}</span>
              <span className="shrink-0 tabular-nums text-slate-700">
                {ranking?.label} {value(row)}{' '}
                <span className="text-slate-500">· {formatMoney(row.spend, currency, 0)}</span>
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** The best and worst campaigns of one currency, by the rule the deck and the PDF use. */
export function Performers({ rows, currency }: { rows: Row[]; currency: string | null }) {
  if (rows.length === 0) return null;
  const extremes = rankExtremes(rows);
  return (
    <Card data-testid="performers">
      <CardHeader
        title="Top and bottom campaigns"
        description={`${currencyLabel(currency)} · ${extremesNote(extremes, (amount) => formatMoney(amount, currency))}`}
      />
      <div className="flex flex-col gap-6 px-5 py-4 sm:flex-row">
        <List title="Best" rows={extremes.best} ranking={extremes.ranking} currency={currency} tone="good" />
        <List title="Worst" rows={extremes.worst} ranking={extremes.ranking} currency={currency} tone="bad" />
      </div>
    </Card>
  );
}
