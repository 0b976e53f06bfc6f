import * as echarts from 'echarts/core'; import { LineChart } from 'echarts/charts'; import { GridComponent, LegendComponent } from 'echarts/components'; import { SVGRenderer } from 'echarts/renderers';
echarts.use([LineChart, GridComponent, LegendComponent, SVGRenderer]);
const c = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 400, height: 200 });
c.setOption({animation:false, xAxis:{type:'category',data:['a','b']}, yAxis:{type:'value'}, series:[{type:'line',data:[1,2]}]});
console.log(c.renderToSVGString().slice(0,200));
