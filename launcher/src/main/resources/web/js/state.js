// The page's state lives in the URL, so a view can be shared as a link and survives a reload:
//   /?team=commerce&window=90d&benchmark=dora-2023
// Unknown or malformed values fall back to the defaults rather than breaking the page.

export const WINDOWS = ['7d', '30d', '90d', '365d'];
/** The API's benchmarks (docs/BENCHMARKS-DORA.md); no 2020 report had clusters. The API lists no benchmarks, so they are named here. */
export const BENCHMARKS = ['dora-2019', 'dora-2021', 'dora-2022', 'dora-2023', 'dora-2024'];
export const DEFAULTS = Object.freeze({
  team: '', service: '', environment: 'production', window: '90d', from: '', to: '', benchmark: 'dora-2024',
  deployment: '', dcursors: [], ioffset: 0,
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const NAME = /^[a-z0-9-]{1,40}$/;

export function read(search) {
  const q = new URLSearchParams(search);
  const state = { ...DEFAULTS, dcursors: [] };
  state.service = q.get('service')?.trim() ?? '';
  // the API takes one of service and team; a service's team is shown, not sent
  state.team = state.service ? '' : (q.get('team')?.trim() ?? '');
  state.environment = q.get('environment')?.trim() || DEFAULTS.environment;
  const from = q.get('from') ?? '';
  const to = q.get('to') ?? '';
  if (DAY.test(from) && DAY.test(to) && from < to) {
    state.window = 'custom';
    state.from = from;
    state.to = to;
  } else if (WINDOWS.includes(q.get('window'))) {
    state.window = q.get('window');
  }
  const benchmark = q.get('benchmark')?.trim();
  if (benchmark && NAME.test(benchmark)) state.benchmark = benchmark;
  state.deployment = q.get('deployment') ?? '';
  state.dcursors = (q.get('dcursor') ?? '').split(',').filter((c) => /^[A-Za-z0-9_-]+$/.test(c));
  const offset = Number.parseInt(q.get('ioffset') ?? '0', 10);
  state.ioffset = Number.isFinite(offset) && offset > 0 ? offset : 0;
  return state;
}

/** The query string for a state; every view names its window and benchmark so that a shared link says what it shows. */
export function write(state) {
  const q = new URLSearchParams();
  if (state.service) q.set('service', state.service);
  else if (state.team) q.set('team', state.team);
  if (state.environment && state.environment !== DEFAULTS.environment) q.set('environment', state.environment);
  if (state.window === 'custom') {
    q.set('from', state.from);
    q.set('to', state.to);
  } else {
    q.set('window', state.window);
  }
  q.set('benchmark', state.benchmark);
  if (state.dcursors.length) q.set('dcursor', state.dcursors.join(','));
  if (state.ioffset) q.set('ioffset', String(state.ioffset));
  if (state.deployment) q.set('deployment', state.deployment);
  return `?${q}`;
}

/** The API's scope parameters: service, team, or neither for the organisation. */
export function scopeParams(state) {
  if (state.service) return { service: state.service };
  if (state.team) return { team: state.team };
  return {};
}

/** The report year of a benchmark name, e.g. 2024 for dora-2024; 0 when it has none. */
export function benchmarkYear(name) {
  const match = /(\d{4})$/.exec(name ?? '');
  return match ? Number(match[1]) : 0;
}
