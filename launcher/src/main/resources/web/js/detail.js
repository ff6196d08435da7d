// The drill-down of one deployment: the commits it delivered with their lead times and, for a failed change, the
// rule that made it one and the incident (or rollback) behind it.

import { getJson } from './api.js';
import { h, fill, $ } from './dom.js';
import { count, dateTime, duration, NONE, shortSha } from './format.js';
import { RULES, openButton } from './tables.js';

/** A baseline delivers the whole known history; the dialog lists at most this many of its commits. */
const MAX_CHANGES = 200;

/** Loads and shows a deployment; throws the ApiError when the API answers one. */
export async function showDeployment(id) {
  const deployment = await getJson(`/api/v1/deployments/${encodeURIComponent(id)}`);
  const incidentId = deployment.failure?.incidentId;
  const incident = incidentId ? await getJson(`/api/v1/incidents/${encodeURIComponent(incidentId)}`) : null;
  render(deployment, incident);
  const dialog = $('detail');
  if (!dialog.open) {
    dialog.showModal();
    $('detail-close').focus();
  }
}

export function closeDeployment() {
  const dialog = $('detail');
  if (dialog.open) dialog.close();
}

function render(d, incident) {
  $('detail-title').textContent = `Deployment ${d.id}`;
  const facts = [
    ['Service', d.service],
    ['Environment', d.environment],
    ['Finished', dateTime(d.finishedAt)],
    ['Commit', d.sha ?? NONE],
    ['Strategy', d.strategy ?? NONE],
    ['Delivered', d.baseline ? `baseline: the service's first deployment (${count(d.deployedChanges, 'change', 'changes')} of prior history, no lead time)`
      : count(d.deployedChanges, 'change', 'changes')],
    ['Result', d.failed ? 'failed change' : 'no failure'],
    ['Recovery', d.recoverySeconds == null ? NONE : `${duration(d.recoverySeconds)} until a later deployment restored service`],
    ['Rework', d.rework ? 'yes: a hotfix deployment' : 'no'],
  ];
  if (d.shaUnknown) facts.push(['Data quality', 'its sha is not a known commit of the service: no changes and no lead time']);
  if (d.rollbackOf) facts.push(['Rolls back', openButton(d.rollbackOf)]);
  fill($('detail-body'),
    h('dl', { class: 'facts' }, facts.flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)])),
    d.failure ? failure(d, incident) : null,
    evidence(d),
    changes(d));
}

function failure(d, incident) {
  const f = d.failure;
  return h('section', { class: 'failure', 'aria-label': 'Why it failed', dataset: { role: 'failure' } },
    h('h3', {}, 'Why this change failed'),
    h('p', {}, 'Rule ', h('code', { dataset: { role: 'rule' } }, f.rule), `: ${RULES[f.rule] ?? 'see docs/METRICS.md'}.`),
    f.incidentId ? h('p', {}, 'Incident ', h('strong', { dataset: { role: 'incident' } }, f.incidentId),
      incident ? `: ${incident.severity ?? 'no severity'}, opened ${dateTime(incident.openedAt)}, `
        + (incident.resolvedAt ? `resolved ${dateTime(incident.resolvedAt)} (time to restore ${duration(incident.restoreSeconds)})` : 'still open')
        + `, ${incident.service}` : '') : null,
    f.rollbackDeploymentId ? h('p', {}, 'Rolled back by ', openButton(f.rollbackDeploymentId)) : null);
}

function evidence(d) {
  const e = d.evidence;
  const lists = [
    ['Incidents naming it as their cause', e.causeDeploymentIdIncidents],
    ['Incidents naming a commit it delivered', e.causeShaIncidents],
    ['Incidents within the incident window after it', e.timeWindowIncidents],
    ['Deployments rolling it back', e.rolledBackBy],
  ].filter(([, ids]) => ids && ids.length);
  if (!lists.length) return null;
  return h('section', { 'aria-label': 'Evidence' }, h('h3', {}, 'Evidence'),
    h('dl', { class: 'facts' }, lists.flatMap(([name, ids]) => [h('dt', {}, name), h('dd', {}, ids.join(', '))])));
}

function changes(d) {
  const shown = d.changes.slice(0, MAX_CHANGES);
  return h('section', { 'aria-label': 'Delivered commits' },
    h('h3', {}, 'Delivered commits'),
    shown.length === 0 ? h('p', { class: 'reason' }, 'No known commits.') : h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', {}, d.changes.length > shown.length ? `The first ${shown.length} of ${d.changes.length}.` : count(shown.length, 'commit', 'commits')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Commit'), h('th', { scope: 'col', class: 'num' }, 'Lead time'))),
      h('tbody', {}, shown.map((c) => h('tr', {},
        h('td', {}, h('code', { title: c.sha }, shortSha(c.sha))),
        h('td', { class: 'num' }, c.leadTimeSeconds == null ? 'none (baseline)' : duration(c.leadTimeSeconds))))))));
}
