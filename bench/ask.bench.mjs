// Question parsing: milliseconds per question against the generated data's
// vocabulary (6 platforms, 200 campaigns, 50 ad sets) and against one at the
// vocabulary's cap (2,000 names per dimension). Target: p95 ≤ 20 ms a question.
// The target is on CPU time: on a shared 2-core machine under load the wall
// clock mostly measures the scheduler (wall figures are printed beside it).
import { parseQuestion } from '../dist/ask/parse.js';

export const title = 'Ask: question parsing';

const QUESTIONS = [
  'Which campaigns had ROAS under 1 last week?',
  'Spend by platform in November vs October',
  'Top 5 ad sets by conversions on Meta',
  'How did CPA change week over week?',
  'Why did revenue drop on the 17th?',
  'campaigns that spent more than $500 yesterday',
  'convresions by campaing',
  'How much did the retargetting campaign spend?',
  'spend on facebok yesterday',
  'best performing campaigns',
  'daily clicks on Meta since the 10th',
  'campain 12 spend',
  'mobile vs desktop conversion rate',
  'ad sets with ROAS >= 2.5 on Meta',
  'What is the weather in Paris?',
];

function vocabulary(names) {
  return {
    values: {
      platform: ['DV360', 'Google Ads', 'LinkedIn', 'Meta', 'Snapchat', 'TikTok'],
      campaign: Array.from({ length: names }, (_, i) => `Campaign ${i}`),
      ad_group: Array.from({ length: Math.min(names, 2000) / 4 }, (_, i) => `Ad Set ${i} - Broad Audience`),
      device: ['Desktop', 'Mobile', 'Tablet'],
    },
    dimensions: ['date', 'platform', 'campaign', 'ad_group', 'device'],
    measures: ['impressions', 'clicks', 'spend', 'conversions', 'revenue'],
    dateRange: { from: '2025-01-01', to: '2025-12-31' },
  };
}

function measure(vocab, rounds) {
  for (const question of QUESTIONS) parseQuestion(question, vocab);
  const cpu = [];
  const wall = [];
  for (let round = 0; round < rounds; round++) {
    for (const question of QUESTIONS) {
      const start = process.hrtime.bigint();
      const used = process.cpuUsage();
      parseQuestion(question, vocab);
      const spent = process.cpuUsage(used);
      wall.push(Number(process.hrtime.bigint() - start) / 1e6);
      cpu.push((spent.user + spent.system) / 1000);
    }
  }
  const at = (list, share) =>
    [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(list.length * share))];
  return { p50: at(cpu, 0.5), p95: at(cpu, 0.95), max: at(cpu, 1), wallP50: at(wall, 0.5), wallP95: at(wall, 0.95) };
}

export async function run() {
  const results = [];
  for (const [label, names, rounds] of [
    ['200 campaigns', 200, 20],
    ['2,000 campaigns (the cap)', 2000, 4],
  ]) {
    const figures = measure(vocabulary(names), rounds);
    results.push({ name: `${label}: CPU p50`, value: figures.p50.toFixed(2), unit: 'ms' });
    results.push({
      name: `${label}: CPU p95`,
      value: figures.p95.toFixed(2),
      unit: 'ms',
      target: '≤ 20',
      ok: figures.p95 <= 20,
    });
    results.push({ name: `${label}: CPU max`, value: figures.max.toFixed(2), unit: 'ms' });
    results.push({
      name: `${label}: wall p50 / p95`,
      value: `${figures.wallP50.toFixed(2)} / ${figures.wallP95.toFixed(2)}`,
      unit: 'ms',
    });
  }
  return results;
}
