/** An anomaly as the insights API returns it (its payload is the detector's finding). */
export interface Anomaly {
  id: string;
  title: string;
  sentence: string;
  priority: 'high' | 'medium' | 'low';
  payload: {
    scope: 'total' | 'platform' | 'campaign';
    key: string;
    metric: string;
    date: string;
    value: number;
    direction: 'above' | 'below';
  };
}

export type Grain = 'day' | 'week' | 'month';

/** The period a day falls in, as the server labels it (ISO week `2025-W45`, month `2025-11`). */
export function periodOf(day: string, grain: Grain): string {
  if (grain === 'day') return day;
  if (grain === 'month') return day.slice(0, 7);
  const date = new Date(`${day}T00:00:00Z`);
  const thursday = new Date(date.getTime() + (3 - ((date.getUTCDay() + 6) % 7)) * 86_400_000);
  const week = Math.floor((thursday.getTime() - Date.UTC(thursday.getUTCFullYear(), 0, 1)) / 86_400_000 / 7) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export function isAnomaly(value: unknown): value is Anomaly {
  const payload = (value as { payload?: Partial<Anomaly['payload']> } | null)?.payload;
  return typeof payload?.date === 'string' && typeof payload.metric === 'string' && typeof payload.scope === 'string';
}

const COLOUR = { above: '#b42318', below: '#b54708' } as const;

/**
 * ECharts marks for the anomalies of one metric: a pin on the line for the
 * total's own anomalies, a dashed line at the day for a platform's or a
 * campaign's (the line shows the total, not their value).
 */
export function anomalyMarks(anomalies: readonly Anomaly[], metric: string, grain: Grain, periods: readonly string[]) {
  const shown = anomalies.filter(
    (anomaly) => anomaly.payload.metric === metric && periods.includes(periodOf(anomaly.payload.date, grain)),
  );
  const pins = shown
    .filter((anomaly) => anomaly.payload.scope === 'total')
    .map((anomaly) => ({
      name: anomaly.title,
      coord: [periodOf(anomaly.payload.date, grain), anomaly.payload.value],
      value: anomaly.payload.direction === 'above' ? '▲' : '▼',
      itemStyle: { color: COLOUR[anomaly.payload.direction] },
    }));
  const lines = shown
    .filter((anomaly) => anomaly.payload.scope !== 'total')
    .map((anomaly) => ({
      name: anomaly.title,
      xAxis: periodOf(anomaly.payload.date, grain),
      lineStyle: { color: COLOUR[anomaly.payload.direction], type: 'dashed' },
    }));
  return {
    shown,
    markPoint: {
      symbol: 'pin',
      symbolSize: 36,
      label: { color: '#fff', fontSize: 10 },
      data: grain === 'day' ? pins : [],
    },
    markLine: {
      symbol: 'none',
      silent: false,
      label: { show: false },
      tooltip: { formatter: (params: { name: string }) => params.name },
      data:
        grain === 'day'
          ? lines
          : [
              ...pins.map((pin) => ({
                name: pin.name,
                xAxis: pin.coord[0],
                lineStyle: { color: pin.itemStyle.color, type: 'dashed' },
              })),
              ...lines,
            ],
    },
  };
}
