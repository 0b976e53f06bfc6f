/** What an organisation may use: quotas, feature flags and retention, with documented defaults. */
export interface Quotas {
  readonly maxUsers: number;
  readonly maxAnalysesPerMonth: number;
  readonly maxDatasets: number;
  readonly maxStorageBytes: number;
  readonly maxUploadBytes: number;
}

export type QuotaName = keyof Quotas;

export const FEATURE_FLAGS = ['exports', 'api_access', 'llm_insights', 'custom_branding'] as const;
export type FeatureFlag = (typeof FEATURE_FLAGS)[number];
export type Features = Readonly<Record<FeatureFlag, boolean>>;

export interface Retention {
  readonly analysesDays: number;
  readonly datasetsDays: number;
  readonly auditDays: number;
}

export const DEFAULT_QUOTAS: Quotas = {
  maxUsers: 50,
  maxAnalysesPerMonth: 1_000,
  maxDatasets: 500,
  maxStorageBytes: 10 * 1024 ** 3,
  maxUploadBytes: 200 * 1024 ** 2,
};

export const DEFAULT_FEATURES: Features = {
  exports: true,
  api_access: true,
  llm_insights: false,
  custom_branding: false,
};

export const DEFAULT_RETENTION: Retention = { analysesDays: 365, datasetsDays: 365, auditDays: 730 };
