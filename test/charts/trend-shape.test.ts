import { describe, expect, it } from 'vitest';
import { CHART_COLORS, trendChartOption } from '../../src/charts/options.js';
import { chartSvg } from '../../src/reports/charts-svg.js';

type Point = { x: number; y: number };

/** The trend line's SVG path as pieces: each from one point to the next, with its control points. */
function pieces(svg: string): { from: Point; to: Point; controls: Point[] }[] {
  const path = [...svg.matchAll(/<path d="([^"]+)"[^>]*stroke="([^"]+)"/g)].find(
    ([, , stroke]) => stroke === CHART_COLORS[0],
  );
  expect(path, 'the line is drawn').toBeDefined();
  const out: { from: Point; to: Point; controls: Point[] }[] = [];
  let last: Point = { x: NaN, y: NaN };
  for (const [, command, args] of path![1]!.matchAll(/([MLC])([^MLCZ]*)/g)) {
    const numbers = args!
      .trim()
      .split(/[\s,]+/)
      .map(Number);
    const points = Array.from({ length: numbers.length / 2 }, (_, index) => ({
      x: numbers[index * 2]!,
      y: numbers[index * 2 + 1]!,
    }));
    const to = points.at(-1)!;
    if (command !== 'M') out.push({ from: last, to, controls: points.slice(0, -1) });
    last = to;
  }
  return out;
}

const between = (value: number, a: number, b: number) =>
  value >= Math.min(a, b) - 0.01 && value <= Math.max(a, b) + 0.01;

describe('the trend line', () => {
  it.each([
    ['a spike between zeros', [0, 0, 0, 5, 100, 2, 0, 0, 40, 41, 0, 0]],
    ['a peak held then dropped', [10, 100, 90, 0, 0, 60, 0]],
    ['a climb with a dip', [1, 2, 50, 52, 3, 80, 81, 82]],
  ])('never swings past its points (%s): no dip below zero, no bump above the peak', (_label, values) => {
    const periods = values.map((_, day) => `2026-10-${String(day + 1).padStart(2, '0')}`);
    const drawn = pieces(chartSvg(trendChartOption(periods, [{ name: 'Spend', values }]), 800, 300));
    expect(drawn).toHaveLength(values.length - 1);
    // A piece whose control points stay in the box of the two points it joins cannot overshoot either, nor loop back.
    for (const { from, to, controls } of drawn)
      for (const control of controls) {
        expect(between(control.y, from.y, to.y), `${JSON.stringify({ from, to, control })}`).toBe(true);
        expect(between(control.x, from.x, to.x), `${JSON.stringify({ from, to, control })}`).toBe(true);
      }
  });
});
