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

/** The currency of the built-in money benchmarks (CPC, CPM, CPA): they are US averages in dollars. */
export const BENCHMARK_CURRENCY = 'USD';
const MONEY_KPIS: readonly BenchmarkKpi[] = ['cpc', 'cpm', 'cpa'];

/**
 * Which platforms a channel's table describes: the search figures are Google
 * Ads data, the social ones Facebook's, the programmatic ones Google Display
 * Network's. Snapchat's CPC is not Facebook's; an unknown platform has none.
 */
const CHANNEL_TABLE_FITS: Record<Channel, readonly string[]> = {
  search: ['Google Ads', 'Microsoft Ads'],
  social: ['Meta'],
  programmatic: ['Google Ads', 'Microsoft Ads', 'DV360', 'CM360'],
  video: ['Google Ads', 'DV360'],
};

/** Platforms that sell several channels: their campaign types decide which benchmark fits. */
const MULTI_CHANNEL = new Set(['Google Ads', 'Microsoft Ads', 'DV360']);

/** The channel a campaign's name or type states, if any ("PMax", "Performance Max" and "Shopping" fit no table: 'other'). */
export function campaignChannel(name: string): Channel | 'other' | undefined {
  const text = name.toLowerCase();
  if (/\bpmax\b|performance max|shopping|\bpla\b|demand gen|discovery/.test(text)) return 'other';
  if (/display|\bgdn\b|banner|programmatic/.test(text)) return 'programmatic';
  if (/video|youtube|\byt\b|in-stream|bumper/.test(text)) return 'video';
  if (/search|\bsem\b|\bbrand\b|\bgeneric\b|\bexact\b|\bdsa\b|keyword/.test(text)) return 'search';
  return undefined;
}

/**
 * The channel the data shows for a multi-channel platform: the one holding 80 %
 * or more of the spend of the campaigns (or channel values) whose type can be
 * read; null when they are mixed or mostly of a type no table fits (Performance
 * Max, Shopping); undefined when nothing says.
 */
export function dominantChannel(
  groups: readonly { readonly name: string; readonly spend: number | null }[],
): Channel | null | undefined {
  const byChannel = new Map<Channel | 'other', number>();
  for (const group of groups) {
    const channel = campaignChannel(group.name);
    if (channel !== undefined) byChannel.set(channel, (byChannel.get(channel) ?? 0) + Math.max(0, group.spend ?? 0));
  }
  const total = [...byChannel.values()].reduce((a, b) => a + b, 0);
  if (total <= 0) return undefined;
  const [top, spend] = [...byChannel].sort((a, b) => b[1] - a[1])[0]!;
  return top !== 'other' && spend >= total * 0.8 ? top : null;
}

export interface BenchmarkContext {
  /** The currency of the figure compared: a money benchmark fits only its own. */
  readonly currency: string | null;
  /** The channel the data shows (dominantChannel); null: mixed, so no table fits a multi-channel platform. */
  readonly channel?: Channel | null;
}

/**
 * The benchmark for a KPI on a platform: the organisation's override, then its
 * industry and segment for the channel, then the platform's own, then the
 * channel's when that table describes the platform. Undefined when nothing
 * fits: an unknown platform, a platform whose campaigns mix channels, a money
 * KPI in another currency than the benchmark's.
 */
export function benchmarkFor(
  kpi: BenchmarkKpi,
  platform: string | null,
  settings: BenchmarkSettings = {},
  context: BenchmarkContext = { currency: BENCHMARK_CURRENCY },
): Benchmark | undefined {
  const stated = platform !== null && MULTI_CHANNEL.has(platform) ? context.channel : undefined;
  const ch = stated ?? channelOf(platform);
  // The organisation's own figures are in its own terms: they fit whatever it says they fit.
  const override =
    (platform !== null ? settings.overrides?.[platform]?.[kpi] : undefined) ??
    (stated === null ? undefined : settings.overrides?.[ch]?.[kpi]);
  if (typeof override === 'number' && Number.isFinite(override))
    return { value: override, source: "the organisation's own benchmark (settings)" };
  if (platform === null || stated === null) return undefined;
  if (MONEY_KPIS.includes(kpi) && context.currency !== BENCHMARK_CURRENCY) return undefined;
  const fits = CHANNEL_TABLE_FITS[ch].includes(platform);
  return (
    (fits && settings.industry ? BENCHMARKS.industries[settings.industry]?.[ch]?.[kpi] : undefined) ??
    (fits && settings.segment ? BENCHMARKS.segments[settings.segment]?.[ch]?.[kpi] : undefined) ??
    BENCHMARKS.platforms[platform]?.[kpi] ??
    (fits ? BENCHMARKS.channels[ch][kpi] : undefined)
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
      const kept = Object.entries(figures as Record<string, unknown>).filter(
        ([kpi, value]) =>
          (BENCHMARK_KPIS as readonly string[]).includes(kpi) &&
          typeof value === 'number' &&
          Number.isFinite(value) &&
          value > 0,
      );
      if (kept.length > 0) cleanOverrides[scope] = Object.fromEntries(kept);
    }
  }
  return {
    ...(typeof industry === 'string' ? { industry } : {}),
    ...(segment === 'B2B' || segment === 'B2C' ? { segment } : {}),
    ...(Object.keys(cleanOverrides).length > 0 ? { overrides: cleanOverrides } : {}),
  };
}
