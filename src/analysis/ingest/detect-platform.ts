import { normaliseHeader } from './aliases.js';
import type { Platform } from '../schema.js';

export interface PlatformGuess {
  readonly platform: Platform;
  /** 0–1: how strongly the headers and report lines point at it. */
  readonly confidence: number;
  readonly evidence: string[];
}

interface Fingerprint {
  readonly platform: Exclude<Platform, 'Unknown'>;
  /** Normalised headers typical of the platform's export, with weights. */
  readonly headers: Readonly<Record<string, number>>;
  /** Patterns in the lines above or below the data. */
  readonly lines?: readonly RegExp[];
}

const FINGERPRINTS: readonly Fingerprint[] = [
  {
    platform: 'Meta',
    headers: {
      'reporting starts': 3,
      'reporting ends': 3,
      'amount spent': 3,
      'ad set name': 2,
      results: 1,
      'link clicks': 1,
      'cost per result': 2,
      'result indicator': 2,
      // As German, French and Spanish accounts export the same report.
      berichtsbeginn: 3,
      berichtsende: 3,
      'ausgegebener betrag': 3,
      'name der anzeigengruppe': 2,
      'link klicks': 1,
      'debut des rapports': 3,
      'fin des rapports': 3,
      'montant depense': 3,
      'nom de l ensemble de publicites': 2,
      'clics sur un lien': 1,
      'inicio del informe': 3,
      'fin del informe': 3,
      'importe gastado': 3,
      'nombre del conjunto de anuncios': 2,
      'clics en el enlace': 1,
    },
  },
  {
    platform: 'Google Ads',
    headers: {
      impr: 2,
      conv: 2,
      'conv value': 3,
      'cost conv': 2,
      'ad group': 1,
      'avg cpc': 2,
      'campaign type': 1,
      'currency code': 1,
      'search impr share': 3,
    },
    lines: [/^total: /i, /campaign report|ad group report|keyword report/i],
  },
  {
    platform: 'Microsoft Ads',
    headers: {
      timeperiod: 3,
      'gregorian date': 3,
      'account name': 1,
      impr: 1,
      spend: 1,
      conv: 1,
      'ad distribution': 3,
    },
    lines: [/microsoft corporation/i, /^report name:/i, /^report time:/i],
  },
  {
    platform: 'LinkedIn',
    headers: {
      'campaign group name': 3,
      'campaign group': 3,
      'total spent': 3,
      'start date': 1,
      clicks: 0.5,
      leads: 1,
      'campaign name': 0.5,
    },
    lines: [/campaign performance report/i, /^report start/i, /^date generated/i],
  },
  {
    platform: 'TikTok',
    headers: {
      'stat time day': 3,
      'ad group name': 1,
      'clicks destination': 3,
      'cpc destination': 3,
      'ctr destination': 3,
      cost: 0.5,
      'video views 2s': 2,
    },
  },
  {
    platform: 'Snapchat',
    headers: {
      'ad squad name': 3,
      'ad squad': 3,
      'swipe ups': 3,
      'swipe up': 3,
      'paid impressions': 2,
      'start time': 1,
    },
  },
  {
    platform: 'DV360',
    headers: {
      'insertion order': 3,
      'line item': 3,
      'insertion order name': 3,
      'line item name': 3,
      'media cost advertiser currency': 3,
      'revenue adv currency': 3,
      advertiser: 1,
      'total conversions': 1,
    },
    lines: [/^report time/i, /^date range/i, /^group by/i, /mrc accredited/i],
  },
  {
    platform: 'CM360',
    headers: {
      'site cm360': 3,
      'placement name': 1,
      placement: 1,
      'media cost': 1,
      advertiser: 1,
      'click through conversions': 3,
      'view through conversions': 3,
      'total conversions': 1,
      creative: 1,
    },
    lines: [/^report fields/i, /^grand total/i, /campaign manager/i],
  },
  {
    platform: 'Pinterest',
    headers: {
      'pin clicks': 3,
      'outbound clicks': 2,
      'spend in account currency': 3,
      'total order value checkout': 3,
      'total conversions checkout': 3,
      'promoted pin name': 3,
      'ad group name': 0.5,
    },
  },
  {
    platform: 'Reddit',
    headers: {
      'purchase total value': 3,
      'purchases total value': 3,
      subreddit: 3,
      community: 2,
      ecpm: 2,
      'amount spent': 1,
      'ad group name': 0.5,
    },
    lines: [/reddit/i],
  },
  {
    platform: 'X Ads',
    headers: {
      'billed engagements': 3,
      'billed charge': 3,
      'campaign url': 3,
      'media engagements': 2,
      reposts: 2,
      retweets: 2,
      'campaign start date': 1,
      'campaign end date': 1,
      time: 1,
    },
  },
  {
    platform: 'Amazon Ads',
    headers: {
      '7 day total sales': 3,
      '14 day total sales': 3,
      'total advertising cost of sales': 3,
      'total return on advertising spend': 2,
      'advertised asin': 3,
      'advertised sku': 2,
      'portfolio name': 2,
      '7 day total orders': 2,
      '14 day total orders': 2,
    },
  },
];

const PLATFORM_NAMES: Readonly<Record<string, Platform>> = {
  meta: 'Meta',
  facebook: 'Meta',
  instagram: 'Meta',
  'facebook ads': 'Meta',
  'meta ads': 'Meta',
  google: 'Google Ads',
  'google ads': 'Google Ads',
  adwords: 'Google Ads',
  microsoft: 'Microsoft Ads',
  'microsoft ads': 'Microsoft Ads',
  'microsoft advertising': 'Microsoft Ads',
  bing: 'Microsoft Ads',
  'bing ads': 'Microsoft Ads',
  linkedin: 'LinkedIn',
  'linkedin ads': 'LinkedIn',
  tiktok: 'TikTok',
  'tiktok ads': 'TikTok',
  snapchat: 'Snapchat',
  snap: 'Snapchat',
  'snapchat ads': 'Snapchat',
  dv360: 'DV360',
  'display video 360': 'DV360',
  cm360: 'CM360',
  'campaign manager 360': 'CM360',
  'campaign manager': 'CM360',
  pinterest: 'Pinterest',
  'pinterest ads': 'Pinterest',
  reddit: 'Reddit',
  'reddit ads': 'Reddit',
  x: 'X Ads',
  'x ads': 'X Ads',
  twitter: 'X Ads',
  'twitter ads': 'X Ads',
  amazon: 'Amazon Ads',
  'amazon ads': 'Amazon Ads',
  'amazon advertising': 'Amazon Ads',
  'sponsored products': 'Amazon Ads',
};

/** Every spelling of a platform name that `canonicalPlatform` knows, for reading a platform column. */
export const PLATFORM_SPELLINGS: readonly string[] = Object.keys(PLATFORM_NAMES);

/** A platform name as users and files write it, mapped onto the canonical one. */
export function canonicalPlatform(name: string): Platform | undefined {
  const key = normaliseHeader(name);
  // Own keys only: a platform cell reading `constructor` is no platform.
  return Object.hasOwn(PLATFORM_NAMES, key) ? PLATFORM_NAMES[key] : undefined;
}

/** Scores each platform's fingerprint against the headers and the lines around the data. */
export function detectPlatform(header: readonly string[], lines: readonly string[]): PlatformGuess {
  const normalised = new Set(
    header.flatMap((cell) => [normaliseHeader(cell), normaliseHeader(cell.replace(/\s*\([^)]*\)\s*$/, ''))]),
  );
  let best: PlatformGuess = { platform: 'Unknown', confidence: 0, evidence: [] };
  let bestScore = 0;
  for (const fingerprint of FINGERPRINTS) {
    const evidence: string[] = [];
    let score = 0;
    for (const [name, weight] of Object.entries(fingerprint.headers)) {
      if (normalised.has(name)) {
        score += weight;
        evidence.push(`header "${name}"`);
      }
    }
    for (const pattern of fingerprint.lines ?? []) {
      const line = lines.find((candidate) => pattern.test(candidate.trim()));
      if (line !== undefined) {
        score += 3;
        evidence.push(`line "${line.trim().slice(0, 60)}"`);
      }
    }
    // Six points of evidence is certainty; three is a fair guess. The most points win, even past certainty.
    const confidence = Math.min(1, score / 6);
    if (score > bestScore) {
      bestScore = score;
      best = { platform: fingerprint.platform, confidence: Math.round(confidence * 100) / 100, evidence };
    }
  }
  return best.confidence >= 0.5 ? best : { platform: 'Unknown', confidence: best.confidence, evidence: best.evidence };
}
