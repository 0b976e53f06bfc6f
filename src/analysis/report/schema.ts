import { Type } from 'typebox';
import { KPIS } from '../kpis.js';
import { MEASURES } from '../schema.js';
import { Nullable } from '../../server/schemas.js';

const Figure = Type.Optional(Nullable(Type.Number()));
const OpenRange = Type.Object({ from: Nullable(Type.String()), to: Nullable(Type.String()) });

/**
 * One row of figures: its currency, the measures the data has and every KPI
 * (null where undefined). Breakdown rows add their dimension keys and time
 * series their period; covered sums (`revenue_with_…`) appear where they differ.
 */
export const MetricRowSchema = Type.Object(
  {
    currency: Type.Optional(Nullable(Type.String())),
    ...Object.fromEntries(MEASURES.map((measure) => [measure, Figure])),
    ...Object.fromEntries(KPIS.map((kpi) => [kpi, Figure])),
    revenueCoverage: Figure,
    conversionsCoverage: Figure,
  },
  { additionalProperties: true },
);

const DatasetSummarySchema = Type.Object(
  {
    file: Type.String(),
    format: Type.String(),
    platform: Type.String(),
    platforms: Type.Array(Type.String()),
    rows: Type.Integer(),
    dateRange: OpenRange,
    currencies: Type.Array(Nullable(Type.String())),
    mapping: Type.Array(Type.Object({ source: Type.String(), field: Type.String(), confidence: Type.Number() })),
    unmapped: Type.Array(Type.Object({ source: Type.String(), reason: Type.String() })),
  },
  { additionalProperties: true },
);

const ChangeSchema = Type.Object({ absolute: Nullable(Type.Number()), relative: Nullable(Type.Number()) });

export const PeriodComparisonSchema = Type.Object(
  {
    kind: Type.Optional(
      Type.Enum(['previous', 'year'], {
        description: 'The period before of the same length, or the same dates a year earlier',
      }),
    ),
    range: Type.Object({ from: Type.String(), to: Type.String() }),
    previousRange: Type.Object({ from: Type.String(), to: Type.String() }),
    byCurrency: Type.Record(
      Type.String(),
      Type.Object({
        current: MetricRowSchema,
        previous: Nullable(MetricRowSchema),
        change: Type.Record(Type.String(), ChangeSchema),
      }),
    ),
  },
  { additionalProperties: true },
);

/** The stored result of an analysis: totals (one row per currency), breakdowns, time series, period over period. */
export const AnalysisResultSchema = Type.Object(
  {
    generatedAt: Type.Optional(Type.String()),
    datasets: Type.Optional(Type.Array(DatasetSummarySchema)),
    rows: Type.Integer(),
    dateRange: OpenRange,
    currencies: Type.Array(Nullable(Type.String())),
    conversion: Type.Optional(Type.Object({ to: Type.String(), rates: Type.Record(Type.String(), Type.Number()) })),
    totals: Type.Array(MetricRowSchema, {
      description: 'One row per currency; one row when money is in one currency or converted to one',
    }),
    breakdowns: Type.Record(Type.String(), Type.Array(MetricRowSchema), {
      description: 'By platform, campaign, ad group, channel, device… (and pairs such as platform×date)',
    }),
    timeSeries: Type.Record(Type.String(), Type.Array(MetricRowSchema), {
      description: 'By day, week, month and quarter; each row has its period',
    }),
    warnings: Type.Optional(Type.Array(Type.String())),
    periodOverPeriod: Type.Optional(Nullable(PeriodComparisonSchema)),
  },
  { additionalProperties: true },
);
