import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { ChartOption } from '../charts/options.js';

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

/** A chart's options drawn to an SVG document on the server (ECharts' server-side rendering, no DOM). */
export function chartSvg(option: ChartOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, textStyle: { fontFamily: 'DejaVu Sans' } });
    return chart.renderToSVGString();
  } finally {
    // Disposing stops zrender's frame loop, which would otherwise keep the thread alive.
    chart.dispose();
  }
}
