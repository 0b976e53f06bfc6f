/**
 * Every chart of the product as ECharts options, defined once: the web app
 * draws them in the browser, the PDF export draws the same options to SVG on
 * the server. Plain data in, plain options out: no DOM, no Node.
 */

/** ECharts options as plain data (what `setOption` takes). */
export type ChartOption = Record<string, unknown>;

export interface ChartSeries {
  readonly name: string;
  readonly values: readonly (number | null)[];
  /** 0: the left axis; 1: the right one (a second unit, e.g. CPA beside ROAS). */
  readonly axis?: 0 | 1;
}

export const CHART_COLORS = ['#2c58b8', '#e07a1f', '#1f9d74', '#b8323a', '#7a4fb8', '#5f6b7a'] as const;

const AXIS_LABEL = { color: '#475569' };
const SPLIT_LINE = { lineStyle: { color: '#e2e8f0' } };
// Documents have no hover: labels must not rely on an outline that PDF renderers ignore.
const LEGEND = { top: 0, textStyle: { color: '#334155' } };

function valueAxes(series: readonly ChartSeries[]) {
  const axes = [{ type: 'value', axisLabel: AXIS_LABEL, splitLine: SPLIT_LINE }];
  if (series.some((entry) => entry.axis === 1))
    axes.push({ type: 'value', axisLabel: AXIS_LABEL, splitLine: { lineStyle: { color: 'transparent' } } });
  return axes;
}

/** Lines over periods: the dashboard's trend, the decks' spend and revenue, ROAS and CPA. */
export function trendChartOption(
  periods: readonly string[],
  series: readonly ChartSeries[],
  // `marks`: ECharts markPoint/markLine on the first line (the dashboard's anomalies).
  options: {
    readonly area?: boolean;
    readonly marks?: { readonly markPoint?: unknown; readonly markLine?: unknown };
  } = {},
): ChartOption {
  const several = series.length > 1 || series.some((entry) => entry.axis === 1);
  return {
    animation: false,
    color: [...CHART_COLORS],
    grid: { left: 64, right: several ? 64 : 16, top: several ? 36 : 16, bottom: 32 },
    tooltip: { trigger: 'axis' },
    ...(several ? { legend: LEGEND } : {}),
    xAxis: { type: 'category', data: [...periods], axisLabel: AXIS_LABEL },
    yAxis: valueAxes(series),
    series: series.map((entry, index) => ({
      type: 'line',
      name: entry.name,
      data: [...entry.values],
      yAxisIndex: entry.axis ?? 0,
      // Flat tangents at the points: each piece of the curve stays between the two points it joins, so a line
      // never dips below zero or rises above a peak beside a spike, whatever the data.
      smooth: true,
      smoothMonotone: 'x',
      showSymbol: periods.length < 40,
      lineStyle: { width: 2, color: CHART_COLORS[index % CHART_COLORS.length] },
      itemStyle: { color: CHART_COLORS[index % CHART_COLORS.length] },
      ...(options.area && index === 0 ? { areaStyle: { color: 'rgba(59,111,216,0.08)' } } : {}),
      ...(options.marks && index === 0 ? { markPoint: options.marks.markPoint, markLine: options.marks.markLine } : {}),
    })),
  };
}

/** Bars by category: the platform breakdown (spend and revenue side by side). */
export function barChartOption(categories: readonly string[], series: readonly ChartSeries[]): ChartOption {
  return {
    animation: false,
    color: [...CHART_COLORS],
    grid: { left: 72, right: series.some((entry) => entry.axis === 1) ? 64 : 16, top: 36, bottom: 40 },
    tooltip: { trigger: 'axis' },
    legend: LEGEND,
    xAxis: { type: 'category', data: [...categories], axisLabel: { ...AXIS_LABEL, interval: 0 } },
    yAxis: valueAxes(series),
    series: series.map((entry, index) => ({
      type: 'bar',
      name: entry.name,
      data: [...entry.values],
      yAxisIndex: entry.axis ?? 0,
      itemStyle: { color: CHART_COLORS[index % CHART_COLORS.length] },
      label: { show: false, textBorderWidth: 0 },
    })),
  };
}
