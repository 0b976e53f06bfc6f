import data from './benchmarks.json' with { type: 'json' };

export const BENCHMARK_KPIS = ['ctr', 'cpc', 'cpm', 'cvr', 'cpa', 'roas'] as const;
export type BenchmarkKpi = (typeof BENCHMARK_KPIS)[number];
export const CHANNELS = ['search', 'social', 'programmatic', 'video'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Benchmark {
  readonly value: number;
  readonly source: string;
}

type Table = Partial<Record<BenchmarkKpi, Benchmark>>;

interface BenchmarkData {
  readonly channels: Record<Channel, Table>;
  readonly platforms: Record<string, Table>;
  readonly segments: Record<string, Partial<Record<Channel, Table>>>;
  readonly industries: Record<string, Partial<Record<Channel, Table>>>;
}

const BENCHMARKS = data as BenchmarkData;

/** What an organisation says about itself in `settings.benchmarks`. */
export interface BenchmarkSettings {
  readonly industry?: string;
  readonly segment?: 'B2B' | 'B2C';
  /** `{ "<platform or channel>": { "ctr": 1.2 } }`: the organisation's own figures win. */
  readonly overrides?: Record<string, Partial<Record<BenchmarkKpi, number>>>;
}

/** The channel a platform's inventory belongs to, unless the data says otherwise. */
export function channelOf(platform: string | null, channel?: string | null): Channel {
  const stated = channel?.toLowerCase();
  if (stated && (CHANNELS as readonly string[]).includes(stated)) return stated as Channel;
  if (stated?.includes('display') || stated?.includes('programmatic')) return 'programmatic';
  if (stated?.includes('video')) return 'video';
  switch (platform) {
    case 'Google Ads':
    case 'Microsoft Ads':
      return 'search';
    case 'DV360':
    case 'CM360':
      return 'programmatic';
    default:
      return 'social';
  }
}

/**
 * The benchmark for a KPI on a platform: the organisation's override, then its
 * industry and segment for the channel, then the platform's own, then the
 * channel's. Undefined when nothing is known.
 */
export function benchmarkFor(kpi: BenchmarkKpi, platform: string | null, settings: BenchmarkSettings = {}, channel?: string | null): Benchmark | undefined {
  const ch = channelOf(platform, channel);
  const override = (platform !== null ? settings.overrides?.[platform]?.[kpi] : undefined) ?? settings.overrides?.[ch]?.[kpi];
  if (typeof override === 'number' && Number.isFinite(override)) return { value: override, source: "the organisation's own benchmark (settings)" };
  return (
    (settings.industry ? BENCHMARKS.industries[settings.industry]?.[ch]?.[kpi] : undefined) ??
    (settings.segment ? BENCHMARKS.segments[settings.segment]?.[ch]?.[kpi] : undefined) ??
    (platform !== null ? BENCHMARKS.platforms[platform]?.[kpi] : undefined) ??
    BENCHMARKS.channels[ch][kpi]
  );
}

export const BENCHMARK_INDUSTRIES = Object.keys(BENCHMARKS.industries);

/** The organisation's `settings.benchmarks`, kept only where it has the expected shape. */
export function benchmarkSettings(settings: Record<string, unknown>): BenchmarkSettings {
  const raw = settings.benchmarks;
  if (typeof raw !== 'object' || raw === null) return {};
  const { industry, segment, overrides } = raw as Record<string, unknown>;
  const cleanOverrides: Record<string, Partial<Record<BenchmarkKpi, number>>> = {};
  if (typeof overrides === 'object' && overrides !== null) {
    for (const [scope, figures] of Object.entries(overrides as Record<string, unknown>)) {
      if (typeof figures !== 'object' || figures === null) continue;
      const kept = Object.entries(figures as Record<string, unknown>).filter(([kpi, value]) => (BENCHMARK_KPIS as readonly string[]).includes(kpi) && typeof value === 'number' && Number.isFinite(value) && value > 0);
      if (kept.length > 0) cleanOverrides[scope] = Object.fromEntries(kept);
    }
  }
  return {
    ...(typeof industry === 'string' ? { industry } : {}),
    ...(segment === 'B2B' || segment === 'B2C' ? { segment } : {}),
    ...(Object.keys(cleanOverrides).length > 0 ? { overrides: cleanOverrides } : {}),
  };
}
