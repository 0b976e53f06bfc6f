import type { paths } from './schema';

/** Shapes the OpenAPI leaves open (datasets' details, insight items); mirrored from src/analysis. */
export interface MappingEntry {
  source: string;
  field: string;
  confidence: number;
}

export interface Quality {
  rowsRead: number;
  rowsKept: number;
  /** Lines of report text above the header. */
  preambleLines?: number;
  duplicates: number;
  dropped: { totals?: number; blank?: number; noMeasures?: number };
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

/** The analysis result as the OpenAPI types it (totals: one row per currency). */
export type StoredAnalysis = paths['/api/v1/analyses/{id}']['get']['responses'][200]['content']['application/json'];
export type Report = StoredAnalysis['result'];
export type MetricRow = Report['totals'][number];
export type Comparison = NonNullable<
  paths['/api/v1/analyses']['post']['requestBody']
>['content']['application/json']['comparison'];

export interface Item {
  id: string;
  kind: 'insight' | 'recommendation' | 'anomaly';
  category: string;
  priority: 'high' | 'medium' | 'low';
  title: string;
  sentence: string;
  /** What the rule's finding is about ("campaign:Brand search"), and the finding's own details. */
  subject: string;
  payload: Record<string, unknown>;
  evidence: {
    figures: Record<string, unknown>;
    rows: { dimension: string; key: string; values: Record<string, unknown> }[];
  };
}

export interface Summary {
  text: string;
  source: string;
  /** The currency the summary's figures, and the items' money, are in. */
  facts?: { currency?: string | null };
}
