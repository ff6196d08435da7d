// Building DOM nodes without HTML strings: nothing the API returns is ever parsed as markup.

/**
 * Creates an element. attrs: 'class', 'text', 'dataset' (an object) or any attribute; null/false values are left out.
 * Inline styles and inline event handlers are refused: the page must run under a strict Content-Security-Policy.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (name === 'style' || name.startsWith('on')) throw new Error(`no inline ${name} (CSP): use a class or addEventListener`);
    if (name === 'class') el.className = value;
    else if (name === 'text') el.textContent = value;
    else if (name === 'dataset') Object.entries(value).forEach(([k, v]) => { if (v != null) el.dataset[k] = String(v); });
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const $ = (id) => document.getElementById(id);
