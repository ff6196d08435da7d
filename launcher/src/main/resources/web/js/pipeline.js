// The pipeline card: the CI builds that finished in the window (the API's pipelineHealth block), the state of the
// default branch and the coverage. Each figure is a <div data-field=...> holding the API's raw value in data-value,
// so the browser test compares what is shown with the API's answer. Builds carry no author: nothing here names a person.

import { h, fill } from './dom.js';
import { count, duration, percent, NONE } from './format.js';

/** The figures, in the order shown; `value` reads the API's number, `format` says it in human units. */
const FIGURES = [
  {
    field: 'successRate', label: 'Build success rate', format: percent,
    value: (p) => p.successRate,
    note: (p) => `${count(p.succeeded, 'succeeded', 'succeeded')}, ${p.failed} failed, ${p.cancelled} cancelled of ${count(p.runs, 'run', 'runs')}`,
  },
  {
    field: 'durationMedianSeconds', label: 'Build duration (median)', format: duration,
    value: (p) => p.durationMedianSeconds,
    note: (p) => count(p.durationSamples, 'finished build', 'finished builds'),
  },
  {
    field: 'durationP90Seconds', label: 'Build duration (p90)', format: duration,
    value: (p) => p.durationP90Seconds,
  },
  {
    field: 'under10Minutes', label: 'Successful builds under 10 min', format: percent,
    value: (p) => p.under10Minutes,
    note: () => 'the core pipeline should stay under ten minutes',
  },
  {
    field: 'openNow', label: 'Default branch broken now', format: (n) => (n == null ? NONE : String(n)),
    value: (p) => p.brokenDefaultBranch.openNow,
    note: (p) => (p.brokenDefaultBranch.openNow > 0 ? 'a red default branch is the team\'s signal to fix it first' : 'every pipeline\'s default branch is green'),
  },
  {
    field: 'medianTimeToFixSeconds', label: 'Time to fix the default branch (median)', format: duration,
    value: (p) => p.brokenDefaultBranch.medianTimeToFixSeconds,
    note: (p) => count(p.brokenDefaultBranch.episodes, 'episode fixed', 'episodes fixed'),
  },
  {
    field: 'coverage', label: 'Line coverage (latest)', format: percent,
    value: (p) => p.coverage.latest,
    note: (p) => coverageChange(p.coverage.change),
  },
];

/** Fills the pipeline card from a metrics answer; a scope without builds says so. */
export function renderPipeline(container, metrics) {
  const pipeline = metrics.pipelineHealth;
  const runs = pipeline?.runs ?? 0;
  container.dataset.runs = String(runs);
  if (!pipeline || runs === 0 && pipeline.brokenDefaultBranch.openNow === 0) {
    fill(container, h('h3', { id: 'pipeline-card-title' }, 'CI builds'),
      h('p', { class: 'no-data', dataset: { role: 'no-builds' } },
        'No builds finished in this window. Send build events (GitHub workflow_run, GitLab pipelines, CDEvents) to see them.'));
    return;
  }
  fill(container, h('h3', { id: 'pipeline-card-title' }, 'CI builds'),
    h('dl', { class: 'figures' }, FIGURES.map((figure) => {
      const value = figure.value(pipeline);
      return h('div', { class: 'figure', dataset: { field: figure.field, value: value ?? '' } },
        h('dt', {}, figure.label),
        h('dd', { dataset: { role: 'value' } }, figure.format(value)),
        figure.note ? h('dd', { class: 'samples', dataset: { role: 'note' } }, figure.note(pipeline)) : null);
    })));
}

/** The coverage against the window before, in percentage points. */
function coverageChange(change) {
  if (change == null) return 'no coverage to compare in the window before';
  const points = change * 100;
  return `${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(1)} points against the window before`;
}
