import type { MetricRow } from '../../api/types';
import { cellText, currencyLabel, formatMoney, formatNumber, formatPercent } from '../../lib/format';
import { Card, CardHeader } from '../ui/card';

type Row = MetricRow & Record<string, unknown>;
interface Ranking {
  key: 'roas' | 'cpa' | 'ctr';
  label: string;
  higherIsBetter: boolean;
}

/** What "performing" means for this data: return on spend when revenue is reported, else cost per conversion, else CTR. */
function rankingFor(rows: readonly Row[]): Ranking {
  if (rows.some((row) => typeof row.roas === 'number')) return { key: 'roas', label: 'ROAS', higherIsBetter: true };
  if (rows.some((row) => typeof row.cpa === 'number')) return { key: 'cpa', label: 'CPA', higherIsBetter: false };
  return { key: 'ctr', label: 'CTR', higherIsBetter: true };
}

/** Campaigns below this share of spend are too small to call best or worst. */
const MIN_SPEND_SHARE = 0.01;
const SHOWN = 3;

export function rankPerformers(rows: readonly Row[]): { ranking: Ranking; top: Row[]; bottom: Row[] } {
  const ranking = rankingFor(rows);
  const spend = rows.reduce((sum, row) => sum + (row.spend ?? 0), 0);
  const eligible = rows
    .filter(
      (row) => typeof row[ranking.key] === 'number' && (spend <= 0 || (row.spend ?? 0) / spend >= MIN_SPEND_SHARE),
    )
    .sort((a, b) => ((a[ranking.key] as number) - (b[ranking.key] as number)) * (ranking.higherIsBetter ? -1 : 1));
  const top = eligible.slice(0, SHOWN);
  const bottom = eligible.slice(Math.max(top.length, eligible.length - SHOWN)).reverse();
  return { ranking, top, bottom };
}

function List({
  title,
  rows,
  ranking,
  currency,
  tone,
}: {
  title: string;
  rows: Row[];
  ranking: Ranking;
  currency: string | null;
  tone: 'good' | 'bad';
}) {
  const value = (row: Row) =>
    ranking.key === 'roas'
      ? `${formatNumber(row.roas, 2)}×`
      : ranking.key === 'cpa'
        ? formatMoney(row.cpa, currency)
        : formatPercent(row.ctr);
  return (
    <div className="min-w-0 flex-1">
      <h3 className={tone === 'good' ? 'text-sm font-semibold text-emerald-800' : 'text-sm font-semibold text-red-800'}>
        {title}
      </h3>
      {rows.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">Not enough campaigns to compare.</p>
      ) : (
        <ol className="mt-2 space-y-2">
          {rows.map((row) => (
            <li key={cellText(row.campaign, '(none)')} className="flex items-baseline justify-between gap-3 text-sm">
              <span className="min-w-0 break-words font-medium text-slate-800">{cellText(row.campaign, '(none)')}</span>
              <span className="shrink-0 tabular-nums text-slate-700">
                {ranking.label} {value(row)}{' '}
                <span className="text-slate-500">· {formatMoney(row.spend, currency, 0)}</span>
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** The best and worst campaigns of one currency by the KPI that fits the data. */
export function Performers({ rows, currency }: { rows: Row[]; currency: string | null }) {
  if (rows.length < 2) return null;
  const { ranking, top, bottom } = rankPerformers(rows);
  return (
    <Card data-testid="performers">
      <CardHeader
        title="Top and bottom campaigns"
        description={`By ${ranking.label}${ranking.higherIsBetter ? '' : ' (lower is better)'}, ${currencyLabel(currency)}; campaigns under 1% of spend left out.`}
      />
      <div className="flex flex-col gap-6 px-5 py-4 sm:flex-row">
        <List title="Best" rows={top} ranking={ranking} currency={currency} tone="good" />
        <List title="Worst" rows={bottom} ranking={ranking} currency={currency} tone="bad" />
      </div>
    </Card>
  );
}
