import type { ChartData } from './charts.js';

/**
 * The charts' script, run in the page (its source is inlined, so it uses nothing from outside this function): values
 * on hover, smoothed lines over the faded raw ones, and a marker at the step slider's step with the values there.
 * The charts are whole without it (static SVG); it only draws over them.
 */
export function chartScript(): void {
  const SVG = 'http://www.w3.org/2000/svg';
  const charts: ChartData[] = JSON.parse(document.getElementById('chart-data')?.textContent ?? '[]');
  const smoothing = document.getElementById('smoothing') as HTMLInputElement | null;
  const slider = document.getElementById('step') as HTMLInputElement | null;
  const steps: number[] = JSON.parse(document.getElementById('grid-data')?.textContent ?? '{}').steps ?? [];
  const element = (name: string, attributes: Record<string, string | number>, parent: Element) => {
    const created = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) created.setAttribute(key, String(value));
    parent.appendChild(created);
    return created;
  };
  const format = (value: number) => String(Number(value.toPrecision(4)));
  /** The last point at or before `step` (the first when none is), by binary search. */
  const at = (points: [number, number][], step: number) => {
    let [low, high] = [0, points.length - 1];
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (points[middle][0] <= step) low = middle;
      else high = middle - 1;
    }
    return points[low];
  };
  const nearest = (points: [number, number][], step: number) => {
    const before = at(points, step);
    const after = points[points.indexOf(before) + 1];
    return after && Math.abs(after[0] - step) < Math.abs(before[0] - step) ? after : before;
  };
  /** An exponential moving average (TensorBoard's smoothing): 0 leaves the curve as it is. */
  const smooth = (points: [number, number][], weight: number): [number, number][] => {
    let last = points[0]?.[1] ?? 0;
    return points.map(([step, value]) => {
      last = last * weight + value * (1 - weight);
      return [step, last];
    });
  };

  const drawn = charts.map((chart, index) => {
    const figure = document.querySelector(`figure.chart[data-chart="${index}"]`) as HTMLElement;
    const svg = figure.querySelector('svg') as SVGSVGElement;
    const { left, top, width, height } = chart.plot;
    const t = (value: number) =>
      chart.y.type === 'log'
        ? Math.log10(value)
        : chart.y.type === 'symlog'
          ? Math.sign(value) * Math.log1p(Math.abs(value) / (chart.y.constant ?? 1))
          : value;
    const [x0, x1] = chart.x.domain;
    const [y0, y1] = chart.y.domain.map(t);
    const x = (step: number) => ((step - x0) / (x1 - x0 || 1)) * width;
    const y = (value: number) => height - ((t(value) - y0) / (y1 - y0 || 1)) * height;
    const clip = `gx-clip-${index}`;
    const defs = element('defs', {}, svg);
    element('rect', { x: 0, y: 0, width, height }, element('clipPath', { id: clip }, defs));
    const overlay = element('g', { class: 'gx-overlay', transform: `translate(${left},${top})` }, svg);
    const smoothed = element('g', { 'clip-path': `url(#${clip})` }, overlay);
    const marker = element('g', { class: 'gx-marker' }, overlay);
    const hover = element('g', { class: 'gx-hover', visibility: 'hidden' }, overlay);
    const readout = figure.querySelector('.at-step') as HTMLElement;
    const tooltip = figure.querySelector('.tooltip') as HTMLElement;
    const line = (g: Element, step: number, dash: string) =>
      element('line', { x1: x(step), x2: x(step), y1: 0, y2: height, stroke: '#333', 'stroke-dasharray': dash }, g);
    const dots = (g: Element, step: number, find: typeof at) => {
      for (const series of chart.series) {
        const point = series.points.length > 0 ? find(series.points, step) : undefined;
        if (point) element('circle', { cx: x(point[0]), cy: y(point[1]), r: 3.5, fill: series.colour }, g);
      }
    };

    const drawSmoothed = (weight: number) => {
      smoothed.replaceChildren();
      figure.classList.toggle('smoothed', weight > 0);
      if (weight <= 0) return;
      for (const series of chart.series) {
        const d = smooth(series.points, weight)
          .map(([step, value], i) => `${i === 0 ? 'M' : 'L'}${x(step).toFixed(1)},${y(value).toFixed(1)}`)
          .join('');
        element('path', { d, fill: 'none', stroke: series.colour, 'stroke-width': 2 }, smoothed);
      }
    };
    const drawMarker = (step: number) => {
      marker.replaceChildren();
      if (step < x0 || step > x1) {
        readout.textContent = '';
        return;
      }
      line(marker, step, '2,3');
      dots(marker, step, at);
      readout.replaceChildren(`at step ${step}: `);
      for (const series of chart.series) {
        if (series.points.length === 0 || series.points[0][0] > step) continue;
        const value = document.createElement('span');
        value.className = 'value';
        value.style.borderColor = series.colour;
        value.textContent = `${series.label.split('.')[0]}. ${format(at(series.points, step)[1])}`;
        readout.append(value, ' ');
      }
    };
    svg.addEventListener('mousemove', (event) => {
      const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(svg.getScreenCTM()?.inverse());
      const px = point.x - left;
      if (px < 0 || px > width || point.y < top || point.y > top + height) {
        hover.setAttribute('visibility', 'hidden');
        tooltip.hidden = true;
        return;
      }
      const step = x0 + (px / width) * (x1 - x0);
      hover.replaceChildren();
      dots(hover, step, nearest);
      hover.setAttribute('visibility', 'visible');
      const rows = chart.series.flatMap((series) => {
        if (series.points.length === 0) return [];
        const [at, value] = nearest(series.points, step);
        const row = document.createElement('div');
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.background = series.colour;
        row.append(swatch, `${series.label}: ${format(value)} at step ${at}`);
        return [row];
      });
      tooltip.replaceChildren(...rows);
      tooltip.hidden = false;
      // Beside the pointer, kept inside the chart's box.
      const box = figure.getBoundingClientRect();
      const beside = event.clientX - box.left + 14;
      const room = box.width - tooltip.offsetWidth;
      tooltip.style.left = `${Math.max(0, beside <= room ? beside : event.clientX - box.left - 14 - tooltip.offsetWidth)}px`;
      tooltip.style.top = `${event.clientY - box.top + 14}px`;
    });
    svg.addEventListener('mouseleave', () => {
      hover.setAttribute('visibility', 'hidden');
      tooltip.hidden = true;
    });
    return { drawSmoothed, drawMarker };
  });

  const weight = () => Number(smoothing?.value ?? 0);
  const label = document.getElementById('smoothing-label');
  const applySmoothing = () => {
    if (label) label.textContent = weight() > 0 ? `EMA ${weight()}` : 'off';
    for (const chart of drawn) chart.drawSmoothed(weight());
  };
  smoothing?.addEventListener('input', applySmoothing);
  applySmoothing();
  const applyMarker = () => {
    const step = slider ? steps[Number(slider.value)] : undefined;
    if (step !== undefined) for (const chart of drawn) chart.drawMarker(step);
  };
  slider?.addEventListener('input', applyMarker);
  applyMarker();
}
