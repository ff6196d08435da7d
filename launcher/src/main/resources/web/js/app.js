// The dashboard: reads the state from the URL, loads the public API's answers for it, renders them, and refreshes
// every 30 s without losing the user's place (URL state, open drill-down, table pages, focus).
// <body data-state> is loading | ready | empty | error, and data-rendered the query string last rendered: both
// let a browser test (and a curious person) tell when the page has settled.

import { ApiError, getJson } from './api.js';
import { $, fill, h } from './dom.js';
import * as State from './state.js';
import { renderCards } from './cards.js';
import { renderCharts } from './charts.js';
import { renderPipeline } from './pipeline.js';
import { renderCompare, renderDeployments, renderIncidents } from './tables.js';
import { closeDeployment, showDeployment } from './detail.js';
import { addDays, count, day, daysBetween } from './format.js';

const REFRESH_MS = 30_000;
const PAGE_SIZE = 25;
/** The comparison table asks the API once per row: bounded, and a few at a time. */
const MAX_COMPARE_ROWS = 24;
const COMPARE_PARALLEL = 4;
/** Beyond about three years a weekly series gets long; the API also caps a series at 1,000 buckets. */
const WEEKLY_MAX_DAYS = 3 * 366;

let state = State.read(location.search);
let services = [];
let generation = 0;
let timer = null;
let pages = { deployments: null, incidents: null };
let shown = null;

function init() {
  history.replaceState(null, '', State.write(state));
  wire();
  load();
}

function wire() {
  $('team').addEventListener('change', (e) => navigate({ team: e.target.value, service: '' }));
  $('service').addEventListener('change', (e) => navigate(e.target.value
    ? { service: e.target.value, team: '' } : { service: '', team: $('team').value }));
  $('environment').addEventListener('change', (e) => navigate({ environment: e.target.value }));
  $('window').addEventListener('change', (e) => {
    if (e.target.value === 'custom') {
      // the dates start as the window shown; nothing loads until they are applied
      $('controls').classList.add('custom');
      if (shown) {
        $('from').value = shown.from;
        $('to').value = shown.to;
      }
      $('from').focus();
    } else {
      navigate({ window: e.target.value, from: '', to: '' });
    }
  });
  $('controls').addEventListener('submit', (e) => {
    e.preventDefault();
    const from = $('from').value;
    const to = $('to').value;
    if (!from || !to || from >= to) {
      $('to').setCustomValidity('Choose a "to" day after the "from" day.');
      $('to').reportValidity();
      return;
    }
    $('to').setCustomValidity('');
    navigate({ window: 'custom', from, to });
  });
  $('benchmark').addEventListener('change', (e) => navigate({ benchmark: e.target.value }, { keepPages: true }));
  $('refresh').addEventListener('click', () => load());
  $('retry').addEventListener('click', () => load());
  $('deployments-next').addEventListener('click', () => pages.deployments?.next
    && navigate({ dcursors: [...state.dcursors, pages.deployments.next] }, { keepPages: true }));
  $('deployments-prev').addEventListener('click', () => navigate({ dcursors: state.dcursors.slice(0, -1) }, { keepPages: true }));
  $('incidents-next').addEventListener('click', () => pages.incidents?.next
    && navigate({ ioffset: Number(pages.incidents.next) }, { keepPages: true }));
  $('incidents-prev').addEventListener('click', () => navigate({ ioffset: Math.max(0, state.ioffset - PAGE_SIZE) }, { keepPages: true }));
  $('detail-close').addEventListener('click', () => closeDeployment());
  $('detail').addEventListener('close', () => {
    if (state.deployment) {
      state = { ...state, deployment: '' };
      history.replaceState(null, '', State.write(state));
      document.querySelector(`[data-focus-key="deployment:${CSS.escape(lastOpened)}"]`)?.focus();
    }
  });
  // one listener for every row button: deployments open in the drill-down, teams and services narrow the scope
  document.addEventListener('click', (e) => {
    const open = e.target.closest('[data-open-deployment]');
    if (open) {
      openDeployment(open.dataset.openDeployment);
      return;
    }
    const scope = e.target.closest('[data-scope-kind]');
    if (scope) {
      navigate(scope.dataset.scopeKind === 'team' ? { team: scope.dataset.scopeName, service: '' }
        : { service: scope.dataset.scopeName, team: '' });
    }
  });
  window.addEventListener('popstate', () => {
    state = State.read(location.search);
    load();
  });
}

let lastOpened = '';

async function openDeployment(id) {
  lastOpened = id;
  state = { ...state, deployment: id };
  // the drill-down is in the URL (a link or a reload opens it again) but not in the history: Escape closes it
  history.replaceState(null, '', State.write(state));
  try {
    await showDeployment(id);
  } catch (e) {
    showError(e, false);
  }
}

/** Moves to a new state (pushed to the history, so Back works); a new scope or window starts the tables at page 1. */
function navigate(patch, { keepPages = false } = {}) {
  state = { ...state, ...patch };
  if (!keepPages) state = { ...state, dcursors: [], ioffset: 0, deployment: '' };
  if (!environmentsOf(state).includes(state.environment)) state.environment = State.DEFAULTS.environment;
  history.pushState(null, '', State.write(state));
  load();
}

/** The services a state covers. */
function servicesOf(s) {
  if (s.service) return services.filter((x) => x.service === s.service);
  if (s.team) return services.filter((x) => x.team === s.team);
  return services;
}

/** The environments the scope's services have named, production first (always offered: it is the default). */
function environmentsOf(s) {
  const names = new Set(servicesOf(s).flatMap((x) => x.environments ?? []));
  names.delete('production');
  return ['production', ...[...names].sort()];
}

async function load() {
  const gen = ++generation;
  clearTimeout(timer);
  document.body.dataset.state = 'loading';
  $('main').setAttribute('aria-busy', 'true');
  const focusKey = document.activeElement?.dataset?.focusKey;
  try {
    services = (await getJson('/api/v1/services')).services;
    if (gen !== generation) return;
    syncControls();
    if (services.length === 0) {
      showEmpty('No events yet', true);
      return finish(gen, 'empty');
    }
    const scope = State.scopeParams(state);
    const window = state.window === 'custom' ? { from: state.from, to: state.to } : { window: state.window };
    const metrics = await getJson('/api/v1/metrics', { ...scope, environment: state.environment, ...window, benchmark: state.benchmark });
    // every other call names the days of this answer, so that all of them describe the same window
    const from = day(metrics.scope.from);
    const to = day(metrics.scope.to);
    const days = daysBetween(metrics.scope.from, metrics.scope.to);
    const fixed = { ...scope, environment: state.environment, from, to };
    const [previous, series, deployments, incidents, compare] = await Promise.all([
      getJson('/api/v1/metrics', { ...fixed, from: addDays(from, -days), to: from, benchmark: state.benchmark }),
      getJson('/api/v1/metrics/series', { ...fixed, granularity: days > WEEKLY_MAX_DAYS ? 'month' : 'week' }),
      getJson('/api/v1/deployments', { ...fixed, limit: PAGE_SIZE, cursor: state.dcursors.at(-1) }),
      getJson('/api/v1/incidents', { ...fixed, limit: PAGE_SIZE, cursor: state.ioffset || '' }),
      compareRows(fixed),
    ]);
    if (gen !== generation) return;
    shown = { from, to };
    pages = { deployments, incidents };
    hideError();
    $('scope-title').textContent = `${scopeLabel()} · ${state.environment} · ${from} to ${addDays(to, -1)} (${count(days, 'day', 'days')}) · ${metrics.tiers.benchmark}`;
    $('cards-hint').textContent = `Each change is against the previous ${days} days (${addDays(from, -days)} to ${addDays(from, -1)}). `
      + 'Under each value: how many samples it rests on, and the data-quality counts that affect it.';
    // a window without deployments but with CI builds is not empty: a team that sends its builds first (or a quiet
    // week) sees its pipeline health, next to the four keys' cards, which then say there was nothing to measure
    const empty = metrics.deploymentFrequency.deployments === 0 && (metrics.pipelineHealth?.runs ?? 0) === 0;
    if (empty) {
      showEmpty(`No ${state.environment} deployments in this window`, false);
    } else {
      $('empty').hidden = true;
      $('content').hidden = false;
      renderCards($('cards'), metrics, previous, days);
      renderPipeline($('pipeline'), metrics);
      renderCharts(series);
      renderTables(deployments, incidents, compare, metrics.tiers.benchmark);
    }
    if (state.deployment) {
      lastOpened = state.deployment;
      // a drill-down that cannot be shown (say, a link to a deployment that is gone) leaves the rest of the page
      await showDeployment(state.deployment).catch((e) => showError(e, false));
    } else {
      closeDeployment();
    }
    if (gen !== generation) return;
    restoreFocus(focusKey);
    finish(gen, empty ? 'empty' : 'ready');
  } catch (e) {
    if (gen !== generation) return;
    showError(e, true);
    finish(gen, 'error', e);
  }
}

function renderTables(deployments, incidents, compare, benchmark) {
  renderDeployments($('deployments'), deployments);
  renderIncidents($('incidents'), incidents);
  $('deployments-prev').disabled = state.dcursors.length === 0;
  $('deployments-next').disabled = !deployments.next;
  $('deployments-page').textContent = `Page ${state.dcursors.length + 1}`;
  $('incidents-prev').disabled = state.ioffset === 0;
  $('incidents-next').disabled = !incidents.next;
  $('incidents-page').textContent = `Page ${Math.floor(state.ioffset / PAGE_SIZE) + 1}`;
  $('compare-section').hidden = compare == null;
  if (compare) {
    $('compare-title').textContent = state.team ? `Services of team ${state.team}` : 'Teams';
    renderCompare($('compare'), compare.rows, benchmark, compare.total);
  }
}

/**
 * The rows of the comparison table: the organisation's teams (and services without a team), or a team's services;
 * none for a service. Only those that have the environment, so that no row asks for one it never named.
 */
async function compareRows(fixed) {
  if (state.service) return null;
  const inEnvironment = (s) => state.environment === 'production' || (s.environments ?? []).includes(state.environment);
  const byName = (a, b) => a.name.localeCompare(b.name);
  let all;
  if (state.team) {
    all = services.filter((s) => s.team === state.team && inEnvironment(s)).map((s) => ({ kind: 'service', name: s.service })).sort(byName);
  } else {
    const teams = [...new Set(services.filter((s) => s.team && inEnvironment(s)).map((s) => s.team))]
      .map((name) => ({ kind: 'team', name })).sort(byName);
    const loners = services.filter((s) => !s.team && inEnvironment(s))
      .map((s) => ({ kind: 'service', name: s.service, label: `${s.service} (service without a team)` })).sort(byName);
    all = [...teams, ...loners];
  }
  const rows = all.slice(0, MAX_COMPARE_ROWS);
  const { service, team, ...rest } = fixed;
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++];
      try {
        row.metrics = await getJson('/api/v1/metrics', { [row.kind]: row.name, ...rest, benchmark: state.benchmark });
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        row.error = `The API answered ${e.status}: ${e.message}`;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(COMPARE_PARALLEL, rows.length) }, worker));
  return { rows, total: all.length };
}

function scopeLabel() {
  if (state.service) {
    const team = services.find((s) => s.service === state.service)?.team;
    return `Service ${state.service}${team ? ` (team ${team})` : ''}`;
  }
  if (state.team) return `Team ${state.team} (${count(servicesOf(state).length, 'service', 'services')})`;
  return `Organisation (${count(services.length, 'service', 'services')})`;
}

/** Fills the pickers from /api/v1/services and shows the state in them. */
function syncControls() {
  const teams = [...new Set(services.map((s) => s.team).filter(Boolean))].sort();
  const currentTeam = state.service ? (services.find((s) => s.service === state.service)?.team ?? '') : state.team;
  options($('team'), [['', 'Organisation (every team)'], ...teams.map((t) => [t, t])], currentTeam);
  const inTeam = services.filter((s) => !currentTeam || s.team === currentTeam).map((s) => s.service).sort();
  if (state.service && !inTeam.includes(state.service)) inTeam.push(state.service);
  options($('service'), [['', currentTeam ? `Every service of ${currentTeam}` : 'Every service'], ...inTeam.map((s) => [s, s])], state.service);
  const environments = environmentsOf(state);
  // an environment from a link that the scope does not know stays selectable: the API then says what is wrong
  if (!environments.includes(state.environment)) environments.push(state.environment);
  options($('environment'), environments.map((e) => [e, e]), state.environment);
  $('window').value = state.window;
  $('controls').classList.toggle('custom', state.window === 'custom');
  if (state.window === 'custom') {
    $('from').value = state.from;
    $('to').value = state.to;
  }
  const benchmarks = [...State.BENCHMARKS];
  if (!benchmarks.includes(state.benchmark)) benchmarks.push(state.benchmark);
  options($('benchmark'), benchmarks.map((b) => [b, `${b.replace('dora-', 'DORA ')} report`]), state.benchmark);
}

function options(select, pairs, value) {
  const same = select.options.length === pairs.length
    && pairs.every(([v, label], i) => select.options[i].value === v && select.options[i].textContent === label);
  if (!same) fill(select, pairs.map(([v, label]) => h('option', { value: v }, label)));
  select.value = value;
}

function showEmpty(title, noEvents) {
  $('empty-title').textContent = title;
  fill($('empty-hint'), 'Send events to ', h('code', {}, 'POST /api/v1/events'), ' or run the demo (', h('code', {}, './dora demo'),
    noEvents ? ').' : '), or choose a longer window or another scope.');
  $('empty').hidden = false;
  $('content').hidden = true;
  if (noEvents) $('scope-title').textContent = '';
}

function showError(e, replacesContent) {
  const message = e instanceof ApiError
    ? `${e.status ? `${e.status}: ` : ''}${e.message}${e.url ? ` (GET ${e.url})` : ''}`
    : `the page failed: ${e.message}`;
  $('error-message').textContent = message;
  $('error').hidden = false;
  // a failed refresh keeps the figures already shown (the status line says from when); a failed first load shows none
  if (replacesContent && document.body.dataset.rendered !== location.search) {
    $('content').hidden = true;
    $('empty').hidden = true;
  }
  if (!(e instanceof ApiError)) console.error(e);
}

function hideError() {
  $('error').hidden = true;
}

function restoreFocus(key) {
  if (!key || document.activeElement?.dataset?.focusKey === key) return;
  document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`)?.focus({ preventScroll: true });
}

function finish(gen, outcome, error) {
  if (gen !== generation) return;
  const time = new Date().toISOString().slice(11, 19);
  $('main').setAttribute('aria-busy', 'false');
  if (outcome !== 'error') document.body.dataset.rendered = location.search;
  document.body.dataset.state = outcome;
  $('status').textContent = outcome === 'error'
    ? `The last refresh failed at ${time} UTC${document.body.dataset.rendered === location.search ? '; the figures below are older' : ''}.`
    : `Updated ${time} UTC · refreshes every 30 s`;
  // a declined token stops the refreshes: "Try again" asks again
  if (error?.status !== 401) schedule(gen);
}

/** The next refresh; a hidden tab skips its turn (no API calls nobody looks at) and refreshes once it is seen. */
function schedule(gen) {
  clearTimeout(timer);
  timer = setTimeout(() => {
    if (gen !== generation) return;
    if (document.hidden) {
      document.addEventListener('visibilitychange', () => gen === generation && load(), { once: true });
    } else {
      load();
    }
  }, REFRESH_MS);
}

init();
