// DOM building without markup strings: elements come from createElement and all data goes in
// through textContent or properties, so nothing Rust sends can turn into HTML, and nothing
// here needs inline styles or handlers the strict CSP would refuse.

const AS_ATTRIBUTE = /^(aria-|data-|role$|for$|form$)/;

/**
 * `el('button', { id, class, text, on: { click }, test, 'aria-x': … , anyProperty }, ...children)`.
 * `test` sets data-test (the hook for WebDriver tests); null/undefined props are skipped.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'test') node.dataset.test = value;
    else if (key === 'on') for (const [type, fn] of Object.entries(value)) node.addEventListener(type, fn);
    else if (AS_ATTRIBUTE.test(key)) node.setAttribute(key, String(value));
    else node[key] = value;
  }
  return append(node, children);
}

/** Appends children, skipping null/false and turning strings into text nodes. */
export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** "12 seconds" / "1 second". */
export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
