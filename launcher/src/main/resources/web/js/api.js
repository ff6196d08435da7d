// The one way the page talks to the server: GET of the public REST API, JSON answers.
// Ready for bearer-token access control: every call sends the token kept in sessionStorage; on a 401 the page asks
// once for a token (a small form, shared by every call waiting at that moment) and repeats the call with it.

import { $ } from './dom.js';

const TOKEN_KEY = 'dora.token';

/** An error answer (or no answer) from the API, with what it said. */
export class ApiError extends Error {
  constructor(status, url, message) {
    super(message);
    this.status = status;
    this.url = url;
  }
}

let asking = null;

/** GETs path with the given query parameters (null and '' left out) and returns the parsed JSON. */
export async function getJson(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value != null && value !== '') query.set(name, String(value));
  }
  const url = query.toString() ? `${path}?${query}` : path;
  let response = await send(url);
  if (response.status === 401) {
    await askForToken(sessionStorage.getItem(TOKEN_KEY) != null);
    response = await send(url);
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      throw new ApiError(401, url, 'the API refused the token; try again to enter another');
    }
  }
  const text = await response.text();
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // reported below with the status
  }
  if (!response.ok) {
    throw new ApiError(response.status, url, body?.error ?? (text.slice(0, 300) || response.statusText));
  }
  if (body == null) throw new ApiError(response.status, url, 'the answer is not JSON');
  return body;
}

async function send(url) {
  const headers = { Accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    return await fetch(url, { headers, cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, url, `cannot reach the API (${e.message})`);
  }
}

/** Shows the token form once for all calls that got a 401 meanwhile; resolves when a token is stored. */
function askForToken(refused) {
  if (asking) return asking;
  const dialog = $('token-dialog');
  const form = $('token-form');
  const input = $('token');
  $('token-reason').textContent = refused
    ? 'The API refused the token this tab had. Enter another.'
    : 'This dora asks for a token to read its API.';
  asking = new Promise((resolve, reject) => {
    const done = (ok) => {
      form.removeEventListener('submit', onSubmit);
      $('token-cancel').removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      asking = null;
      if (ok) resolve();
      else reject(new ApiError(401, '', 'the API needs a token; try again to enter one'));
    };
    const onSubmit = (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      sessionStorage.setItem(TOKEN_KEY, token);
      input.value = '';
      done(true);
    };
    const onCancel = (event) => {
      event.preventDefault();
      done(false);
    };
    form.addEventListener('submit', onSubmit);
    $('token-cancel').addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    input.focus();
  });
  return asking;
}
