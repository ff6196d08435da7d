// The weekly trend charts, drawn with uPlot (the webjar org.webjars.npm:uplot, loaded before this module).
// Each chart's figure carries data-points: the number of buckets it draws, one per week (or month) of the window.

import { fill, h, $ } from './dom.js';

const HOUR = 3600;
const COLORS = {
  bars: '#2563eb', median: '#7c3aed', p90: '#db2777', rate: '#dc2626', restore: '#0f766e', builds: '#15803d',
};
const plots = new Map();
let observer = null;

/** Draws every chart from a /api/v1/metrics/series answer. */
export function renderCharts(series) {
  const buckets = series.buckets;
  const per = series.granularity;
  const x = buckets.map((b) => Date.parse(`${b.start}T00:00:00Z`) / 1000);
  // durations in hours, or in days when they run past three days
  const inUnit = (fields) => {
    const max = Math.max(0, ...buckets.flatMap((b) => fields.map((f) => f(b) ?? 0)));
    const [size, unit] = max > 72 * HOUR ? [24 * HOUR, 'd'] : [HOUR, 'h'];
    return { unit, name: unit === 'd' ? 'days' : 'hours', of: (s) => (s == null ? null : s / size) };
  };
  const lead = inUnit([(b) => b.leadTime.medianSeconds, (b) => b.leadTime.p90Seconds]);
  const restore = inUnit([(b) => b.timeToRestore.medianSeconds, (b) => b.timeToRestore.p90Seconds]);
  draw('chart-deployments', per, x, [{
    label: 'Deployments', color: COLORS.bars, bars: true,
    values: buckets.map((b) => b.deploymentFrequency.deployments),
  }], (v) => (v == null ? '–' : `${v}`), `Deployments per ${per}`);
  draw('chart-leadtime', per, x, [
    { label: 'Median', color: COLORS.median, values: buckets.map((b) => lead.of(b.leadTime.medianSeconds)) },
    { label: 'p90', color: COLORS.p90, dash: true, values: buckets.map((b) => lead.of(b.leadTime.p90Seconds)) },
  ], (v) => `${round(v)} ${lead.unit}`, `Lead time, median and p90 (${lead.name})`);
  draw('chart-failures', per, x, [{
    label: 'Failure rate', color: COLORS.rate,
    values: buckets.map((b) => (b.changeFailureRate.rate == null ? null : b.changeFailureRate.rate * 100)),
  }], (v) => `${round(v)} %`, 'Change failure rate (%)');
  draw('chart-restore', per, x, [
    { label: 'Median', color: COLORS.restore, values: buckets.map((b) => restore.of(b.timeToRestore.medianSeconds)) },
    { label: 'p90', color: COLORS.p90, dash: true, values: buckets.map((b) => restore.of(b.timeToRestore.p90Seconds)) },
  ], (v) => `${round(v)} ${restore.unit}`, `Time to restore, median and p90 (${restore.name})`);
  $('trends-title').textContent = per === 'month' ? 'Trends per month' : 'Trends per week';
  renderPipelineCharts(buckets, per, x);
  watchWidth();
}

/** The pipeline's trend: build success rate, and build duration in minutes (hours past three hours). */
function renderPipelineCharts(buckets, per, x) {
  const pipeline = (b) => b.pipelineHealth ?? {};
  const max = Math.max(0, ...buckets.map((b) => pipeline(b).durationP90Seconds ?? 0));
  const [size, unit, name] = max > 3 * HOUR ? [HOUR, 'h', 'hours'] : [60, 'min', 'minutes'];
  const of = (s) => (s == null ? null : s / size);
  draw('chart-build-success', per, x, [{
    label: 'Success rate', color: COLORS.builds,
    values: buckets.map((b) => (pipeline(b).successRate == null ? null : pipeline(b).successRate * 100)),
  }], (v) => `${round(v)} %`, 'Build success rate (%)');
  draw('chart-build-duration', per, x, [
    { label: 'Median', color: COLORS.median, values: buckets.map((b) => of(pipeline(b).durationMedianSeconds)) },
    { label: 'p90', color: COLORS.p90, dash: true, values: buckets.map((b) => of(pipeline(b).durationP90Seconds)) },
  ], (v) => `${round(v)} ${unit}`, `Build duration, median and p90 (${name})`);
}

function pad(per) {
  return (per === 'month' ? 15 : 3.5) * 86400;
}

function round(v) {
  return v == null ? '–' : Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1);
}

function draw(id, per, x, lines, label, title) {
  const figure = $(id);
  const target = figure.querySelector('.plot');
  figure.dataset.points = String(x.length);
  figure.dataset.granularity = per;
  const caption = figure.querySelector('figcaption');
  caption.textContent = title;
  const known = lines.flatMap((l) => l.values).filter((v) => v != null);
  figure.setAttribute('aria-label', `${caption.textContent}: ${x.length} ${per}s; ${known.length
    ? `from ${label(Math.min(...known))} to ${label(Math.max(...known))}` : 'no data'}`);
  if (x.length === 0) {
    plots.get(id)?.destroy();
    plots.delete(id);
    fill(target, h('p', { class: 'no-data' }, 'No data in this window.'));
    return;
  }
  const data = [x, ...lines.map((l) => l.values)];
  const existing = plots.get(id);
  // the axis labels depend on the granularity and the unit: a change of either draws the chart anew
  if (existing && existing.title === title && existing.per === per && existing.series.length === data.length) {
    // a refresh: new data in the same chart, so the page keeps its layout and scroll position
    existing.setData(data);
    return;
  }
  existing?.destroy();
  plots.delete(id);
  const width = Math.max(240, target.clientWidth);
  fill(target);
  const opts = {
    width,
    height: 200,
    // the API's buckets are UTC days: show them as such whatever the viewer's time zone
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    cursor: { drag: { x: false, y: false } },
    // half a period of margin on each side, so that the first and last bars are drawn whole
    scales: {
      x: { time: true, range: (u, min, max) => [min - pad(per), max + pad(per)] },
      y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    axes: [{}, { values: (u, ticks) => ticks.map(label), size: 56 }],
    series: [
      { label: `${per === 'month' ? 'Month' : 'Week'} of`, value: (u, ts) => (ts == null ? '–' : new Date(ts * 1000).toISOString().slice(0, 10)) },
      ...lines.map((line) => ({
        label: line.label,
        stroke: line.color,
        width: 2,
        dash: line.dash ? [6, 4] : undefined,
        fill: line.bars ? `${line.color}99` : undefined,
        paths: line.bars ? uPlot.paths.bars({ size: [0.7, 60] }) : undefined,
        points: { show: !line.bars, size: 5 },
        value: (u, v) => label(v),
      })),
    ],
  };
  const plot = new uPlot(opts, data, target);
  plot.per = per;
  plot.title = title;
  plots.set(id, plot);
}

/** Keeps the charts as wide as their boxes, at 1280 px as on a phone. */
function watchWidth() {
  if (observer) return;
  observer = new ResizeObserver(() => {
    for (const [id, plot] of plots) {
      const width = Math.max(240, $(id).querySelector('.plot').clientWidth);
      if (Math.abs(width - plot.width) > 4) plot.setSize({ width, height: 200 });
    }
  });
  observer.observe($('charts'));
  observer.observe($('pipeline-charts'));
}
