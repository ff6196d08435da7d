// The headline cards: each metric's value in human units, its tier, the change against the previous window of the
// same length, its sample size, and the data-quality counters that affect it.

import { h, fill } from './dom.js';
import { count, duration, frequency, percent, NONE } from './format.js';
import { benchmarkYear } from './state.js';

const QUALITY = {
  baselineDeployments: ['baseline deployments', 'a service\'s first deployment starts its history: it counts, but its changes get no lead time'],
  deploymentsWithUnknownSha: ['deployments of an unknown commit', 'no known commit, so their changes are missing from lead time'],
  changesNeverDeployed: ['changes never deployed', 'commits of the window that no production deployment has delivered yet'],
  incidentsNotAttributed: ['incidents charged to no deployment', 'they count for time to restore but fail no change, so the failure rate may be understated'],
};

/**
 * The cards. `better` says which direction is an improvement; `tier` names the API's tier for the card, or a
 * function of the benchmark year (the API's timeToRestore tier rates the report's recovery metric: time to restore
 * service up to 2022, failed deployment recovery time from 2023).
 */
const CARDS = [
  {
    key: 'deploymentFrequency', title: 'Deployment frequency', better: 'higher', format: frequency,
    value: (m) => m.deploymentFrequency.perDay,
    samples: (m) => count(m.deploymentFrequency.deployments, 'deployment', 'deployments'),
    tier: () => 'deploymentFrequency',
  },
  {
    key: 'leadTime', title: 'Lead time for changes (median)', better: 'lower', format: duration,
    value: (m) => m.leadTime.medianSeconds,
    secondary: (m) => `p90 ${duration(m.leadTime.p90Seconds)}`,
    samples: (m) => count(m.leadTime.samples, 'change', 'changes'),
    tier: () => 'leadTime',
    quality: ['baselineDeployments', 'deploymentsWithUnknownSha', 'changesNeverDeployed'],
  },
  {
    key: 'changeFailureRate', title: 'Change failure rate', better: 'lower', format: percent, points: true,
    value: (m) => m.changeFailureRate.rate,
    samples: (m) => `${m.changeFailureRate.failed} failed of ${count(m.changeFailureRate.deployments, 'deployment', 'deployments')}`,
    tier: () => 'changeFailureRate',
    quality: ['incidentsNotAttributed'],
  },
  {
    key: 'timeToRestore', title: 'Time to restore service (median)', better: 'lower', format: duration,
    value: (m) => m.timeToRestore.medianSeconds,
    secondary: (m) => `p90 ${duration(m.timeToRestore.p90Seconds)}`,
    samples: (m) => `${count(m.timeToRestore.incidents, 'incident restored', 'incidents restored')}, ${m.timeToRestore.openIncidents} open at the end`,
    tier: (year) => (year < 2023 ? 'timeToRestore' : null),
  },
  {
    key: 'failedDeploymentRecoveryTime', title: 'Failed deployment recovery time (median)', better: 'lower', format: duration,
    value: (m) => m.failedDeploymentRecoveryTime.medianSeconds,
    secondary: (m) => `p90 ${duration(m.failedDeploymentRecoveryTime.p90Seconds)}`,
    samples: (m) => count(m.failedDeploymentRecoveryTime.samples, 'failed deployment recovered', 'failed deployments recovered'),
    tier: (year) => (year >= 2023 ? 'timeToRestore' : null),
  },
  {
    key: 'reworkRate', title: 'Rework rate', better: 'lower', format: percent, points: true,
    value: (m) => m.reworkRate.rate,
    samples: (m) => `${m.reworkRate.rework} rework of ${count(m.reworkRate.deployments, 'deployment', 'deployments')}`,
    tier: () => null,
  },
];

/** Which card's tier the API's timeToRestore rates under a benchmark (shown in the comparison table too). */
export function recoveryCard(benchmark) {
  return benchmarkYear(benchmark) >= 2023 ? 'failedDeploymentRecoveryTime' : 'timeToRestore';
}

/** A tier badge; tier null means no data to rate, 'unrated' that the benchmark has no band for the metric. */
export function tierBadge(tier, benchmark) {
  if (tier === 'unrated') {
    return h('span', { class: 'tier tier-unrated', title: `${benchmark} has no band for this metric` }, 'not rated');
  }
  if (!tier) return h('span', { class: 'tier tier-none', title: 'nothing to rate in this window' }, 'no data');
  return h('span', { class: `tier tier-${tier}`, title: `${tier} under ${benchmark}` }, tier);
}

export function renderCards(container, metrics, previous, windowDays) {
  const benchmark = metrics.tiers.benchmark;
  const year = benchmarkYear(benchmark);
  fill(container, CARDS.map((card) => {
    const value = card.value(metrics);
    const tierField = card.tier(year);
    const tier = tierField ? metrics.tiers[tierField] : 'unrated';
    return h('article', {
      class: 'card', 'aria-labelledby': `card-${card.key}`,
      dataset: { metric: card.key, value: value ?? '', tier: tier ?? 'none' },
    },
    h('h3', { id: `card-${card.key}` }, card.title),
    h('div', { class: 'value', dataset: { role: 'value' } }, card.format(value)),
    card.secondary ? h('div', { class: 'secondary' }, card.secondary(metrics)) : null,
    tierBadge(tier, benchmark),
    delta(card, value, previous ? card.value(previous) : null, windowDays),
    h('div', { class: 'samples', dataset: { role: 'samples' } }, card.samples(metrics)),
    card.quality ? quality(card.quality, metrics.dataQuality) : null);
  }));
}

/** The change against the previous window: relative for amounts and durations, in percentage points for rates. */
function delta(card, now, before, windowDays) {
  const against = `the previous ${windowDays} days`;
  if (now == null || before == null) {
    return h('div', { class: 'delta none', dataset: { role: 'delta' } },
      before == null ? `nothing to compare in ${against}` : `${card.format(before)} in ${against}`);
  }
  let change;
  let text;
  let rounded;
  if (card.points) {
    change = (now - before) * 100;
    text = `${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(1)} points`;
    rounded = Math.abs(change) < 0.05;
  } else if (before === 0) {
    // no relative change from zero: say what happened instead
    change = now;
    text = 'up from none';
    rounded = now === 0;
  } else {
    change = ((now - before) / before) * 100;
    text = `${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(0)} %`;
    rounded = Math.abs(change) < 0.5;
  }
  const improved = card.better === 'higher' ? change > 0 : change < 0;
  const kind = rounded ? 'same' : improved ? 'better' : 'worse';
  const arrow = rounded ? '→' : change > 0 ? '▲' : '▼';
  return h('div', { class: `delta ${kind}`, dataset: { role: 'delta' } },
    h('span', { 'aria-hidden': 'true' }, `${arrow} `),
    `${rounded ? 'about the same' : text} vs ${against} (${card.format(before)})`,
    rounded ? '' : h('span', { class: 'visually-hidden' }, `, ${kind}`));
}

function quality(keys, dataQuality) {
  return h('ul', { class: 'quality', 'aria-label': 'Data quality' }, keys.map((key) => {
    const n = dataQuality?.[key];
    const [label, why] = QUALITY[key];
    return h('li', { class: n ? 'nonzero' : '', dataset: { quality: key } },
      h('span', { class: 'count' }, n == null ? NONE : String(n)), ` ${label}: ${why}`);
  }));
}
