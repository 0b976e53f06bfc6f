import type { Vocabulary } from '../../src/ask/vocabulary.js';

/**
 * The vocabularies the question set is written against. GENERATED is what
 * readVocabulary finds in `gen-campaigns.mjs 3000 7` (test/ask/api.test.ts
 * checks that); CORPUS is that of test/fixtures/exports read together.
 */
export const GENERATED: Vocabulary = {
  values: {
    platform: ['DV360', 'Google Ads', 'LinkedIn', 'Meta', 'Snapchat', 'TikTok'],
    campaign: Array.from({ length: 200 }, (_, i) => `Campaign ${i}`).sort(),
    ad_group: Array.from({ length: 50 }, (_, i) => `Ad Set ${i}`).sort(),
    device: ['Desktop', 'Mobile', 'Tablet'],
  },
  dimensions: ['date', 'platform', 'campaign', 'ad_group', 'device'],
  measures: ['impressions', 'clicks', 'spend', 'conversions', 'revenue'],
  dateRange: { from: '2025-01-01', to: '2025-12-31' },
};

export const CORPUS: Vocabulary = {
  values: {
    platform: ['CM360', 'DV360', 'Google Ads', 'LinkedIn', 'Meta', 'Microsoft Ads', 'Pinterest', 'Snapchat', 'TikTok'],
    campaign: [
      'ABM - Tier 1',
      'ABM - Tier 2',
      'Awareness Q4',
      'Brand Search',
      'Generic Search',
      'Herbst',
      'Holiday',
      'Home Decor',
      'Launch',
      'Prospecting - Broad',
      'Q4 Video',
      'Retargeting',
      'Spring Sale',
      'UK push',
      'US push',
    ],
    ad_group: [
      'Boards',
      'Brand Exact',
      'Broad 25-54',
      'Interest - Fitness',
      'LI Prospecting',
      'Lookalike 1%',
      'Running Shoes',
      'Shoes',
      'Site visitors 30d',
    ],
  },
  dimensions: ['date', 'platform', 'account', 'campaign', 'ad_group', 'ad', 'age', 'gender', 'placement', 'currency'],
  measures: ['impressions', 'reach', 'clicks', 'spend', 'conversions', 'revenue', 'leads', 'video_views'],
  dateRange: { from: '2025-11-01', to: '2025-11-30' },
};
