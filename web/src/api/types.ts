/** Shapes the OpenAPI leaves open (the stored report); mirrored from src/analysis. */
export interface MappingEntry {
  source: string;
  field: string;
  confidence: number;
}

export interface Quality {
  rowsRead: number;
  rowsKept: number;
  duplicates: number;
  dropped: Record<string, number>;
  warnings: string[];
  dateFormat?: string | null;
}

export interface Dataset {
  id: string;
  name: string;
  originalFilename: string;
  platform: string;
  platforms?: string[];
  platformConfidence?: number;
  rows: number;
  bytes: number;
  createdAt: string;
  dateRange?: { from: string | null; to: string | null };
  currencies?: string[];
  mapping?: MappingEntry[];
  unmapped?: { source: string; reason: string }[];
  quality?: Quality;
}

export const MEASURE_KEYS = ['impressions', 'reach', 'clicks', 'spend', 'conversions', 'revenue'] as const;
export const KPI_KEYS = ['ctr', 'cpc', 'cpm', 'cpa', 'roas', 'cvr', 'aov', 'frequency', 'profit'] as const;
export type MetricKey = (typeof MEASURE_KEYS)[number] | (typeof KPI_KEYS)[number];

export type MetricRow = { currency: string } & Partial<Record<MetricKey, number | null>>;

export interface Change {
  absolute: number | null;
  relative: number | null;
}

export interface Report {
  rows: number;
  dateRange: { from: string | null; to: string | null };
  currencies: string[];
  totals: MetricRow[];
  breakdowns: Record<string, (MetricRow & Record<string, unknown>)[]>;
  timeSeries: Record<'day' | 'week' | 'month' | 'quarter', (MetricRow & { period: string })[]>;
  periodOverPeriod?: {
    range: { from: string; to: string };
    previousRange: { from: string; to: string };
    byCurrency: Record<string, { current: MetricRow; previous: MetricRow | null; change: Partial<Record<MetricKey, Change>> }>;
  } | null;
}

export interface Item {
  id: string;
  kind: 'insight' | 'recommendation' | 'anomaly';
  category: string;
  priority: 'high' | 'medium' | 'low';
  title: string;
  sentence: string;
  evidence: { figures: Record<string, unknown>; rows: { dimension: string; key: string; values: Record<string, unknown> }[] };
}

export interface Summary {
  text: string;
  source: string;
}
