// The evidence tables (deployments, incidents) and the comparison of a scope's teams or services.
// Buttons in rows carry data-open-deployment or data-scope-*; app.js handles them with one delegated listener.

import { h, fill } from './dom.js';
import { count, dateTime, duration, frequency, median, percent, NONE } from './format.js';
import { recoveryCard, tierBadge } from './cards.js';

export const RULES = {
  cause_deployment_id: 'the incident names this deployment as its cause',
  cause_sha: 'the incident names a commit this deployment delivered first',
  time_window: 'an incident opened within the incident window after it',
  rollback: 'a later deployment rolled it back',
};

function header(...names) {
  return h('thead', {}, h('tr', {}, names.map((name) => {
    const [text, numeric] = Array.isArray(name) ? name : [name, false];
    return h('th', { scope: 'col', class: numeric ? 'num' : null }, text);
  })));
}

export function openButton(id, text = id) {
  return h('button', { type: 'button', class: 'link', dataset: { openDeployment: id, focusKey: `deployment:${id}` } }, text);
}

export function renderDeployments(table, page) {
  const rows = page.deployments.map((d) => {
    const lead = d.baseline ? null : median(d.changes.map((c) => c.leadTimeSeconds));
    return h('tr', { class: d.failed ? 'failed' : null, dataset: { deployment: d.id, failed: d.failed } },
      h('td', {}, dateTime(d.finishedAt)),
      h('td', {}, d.service),
      h('td', {}, openButton(d.id)),
      h('td', { class: 'num' }, d.baseline ? 'baseline' : String(d.deployedChanges)),
      h('td', { class: 'num' }, duration(lead)),
      h('td', {}, d.failed ? 'failed' : 'ok'),
      h('td', { dataset: { role: 'rule' } }, d.failure ? d.failure.rule : NONE),
      h('td', {}, d.failure?.incidentId ?? (d.failure?.rollbackDeploymentId ? `rolled back by ${d.failure.rollbackDeploymentId}` : NONE)),
      h('td', { class: 'num' }, duration(d.recoverySeconds)));
  });
  fill(table,
    h('caption', {}, page.deployments.length ? `${count(page.deployments.length, 'deployment', 'deployments')} on this page` : 'No deployments in this window.'),
    header('Finished', 'Service', 'Deployment', ['Changes', true], ['Median lead time', true], 'Result', 'Rule', 'Incident', ['Recovery', true]),
    h('tbody', {}, rows));
}

export function renderIncidents(table, page) {
  const rows = page.incidents.map((i) => {
    const a = i.attribution;
    const charged = a.deploymentId
      ? h('td', {}, openButton(a.deploymentId), ` (${a.rule})`)
      : h('td', { class: 'reason' }, `none: ${a.reason}`);
    return h('tr', { dataset: { incident: i.id } },
      h('td', {}, dateTime(i.openedAt)),
      h('td', {}, i.id),
      h('td', {}, i.service),
      h('td', {}, i.severity ?? NONE),
      h('td', {}, i.resolvedAt ? dateTime(i.resolvedAt) : 'open'),
      h('td', { class: 'num' }, duration(i.restoreSeconds)),
      charged);
  });
  fill(table,
    h('caption', {}, page.incidents.length ? `${count(page.incidents.length, 'incident', 'incidents')} on this page` : 'No incidents in this window.'),
    header('Opened', 'Incident', 'Service', 'Severity', 'Resolved', ['Time to restore', true], 'Charged to'),
    h('tbody', {}, rows));
}

/**
 * The comparison table: one row per team (organisation view) or per service (team view), each the API's answer
 * for the same window, environment and benchmark. rows: [{kind: 'team'|'service', name, metrics | error}].
 */
export function renderCompare(table, rows, benchmark, total) {
  const recovery = recoveryCard(benchmark);
  const recoveryOf = (m) => (recovery === 'timeToRestore' ? m.timeToRestore.medianSeconds : m.failedDeploymentRecoveryTime.medianSeconds);
  const cell = (text, tier) => h('td', { class: 'num' }, text, ' ', tierBadge(tier, benchmark));
  const body = rows.map((row) => {
    const name = h('th', { scope: 'row' }, h('button', {
      type: 'button', class: 'link', dataset: { scopeKind: row.kind, scopeName: row.name, focusKey: `${row.kind}:${row.name}` },
    }, row.label ?? row.name));
    if (!row.metrics) return h('tr', {}, name, h('td', { colspan: 6, class: 'reason' }, row.error));
    const m = row.metrics;
    return h('tr', { dataset: { [row.kind]: row.name } }, name,
      cell(frequency(m.deploymentFrequency.perDay), m.tiers.deploymentFrequency),
      cell(duration(m.leadTime.medianSeconds), m.tiers.leadTime),
      cell(percent(m.changeFailureRate.rate), m.tiers.changeFailureRate),
      cell(duration(recoveryOf(m)), m.tiers.timeToRestore),
      h('td', { class: 'num' }, percent(m.reworkRate.rate)),
      h('td', {}, tierBadge(m.tiers.overall, benchmark)));
  });
  const recoveryTitle = recovery === 'timeToRestore' ? 'Time to restore' : 'Recovery time';
  fill(table,
    h('caption', {}, rows.length < total ? `The first ${rows.length} of ${total}, by name.` : `${count(total, 'row', 'rows')}, by name.`),
    header(rows[0]?.kind === 'service' ? 'Service' : 'Team', ['Deployment frequency', true], ['Lead time', true],
      ['Change failure rate', true], [recoveryTitle, true], ['Rework rate', true], 'Overall'),
    h('tbody', {}, body));
}
