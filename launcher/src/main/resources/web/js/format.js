// Human units. The browser test mirrors these rules, so keep them simple and change both together.

export const NONE = '–';

/** Seconds as a person says them: 45 s, 12 min, 3.2 h, 4.1 d. */
export function duration(seconds) {
  if (seconds == null) return NONE;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

/** Deployments per day when there is at least one a day, else per week. */
export function frequency(perDay) {
  if (perDay == null) return NONE;
  return perDay >= 1 ? `${perDay.toFixed(1)} / day` : `${(perDay * 7).toFixed(1)} / week`;
}

/** A fraction as a percentage with one decimal. */
export function percent(rate) {
  return rate == null ? NONE : `${(rate * 100).toFixed(1)} %`;
}

/** "1 deployment", "12 deployments". */
export function count(n, one, many) {
  return `${Number(n).toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** 2026-11-20T09:30:00Z → "2026-11-20 09:30 UTC". */
export function dateTime(iso) {
  if (!iso) return NONE;
  const d = new Date(iso);
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** An instant or date → its UTC day, "2026-11-20". */
export function day(iso) {
  return new Date(iso).toISOString().slice(0, 10);
}

/** Whole days between two instants. */
export function daysBetween(fromIso, toIso) {
  return Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 86400000);
}

/** The UTC day n days after (or before, n < 0) an instant. */
export function addDays(iso, n) {
  return day(Date.parse(iso) + n * 86400000);
}

/** The median of some numbers, null for none. */
export function median(values) {
  const sorted = values.filter((v) => v != null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function shortSha(sha) {
  return sha ? sha.slice(0, 10) : NONE;
}
