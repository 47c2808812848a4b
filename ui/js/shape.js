// The client secret's "shape": each character replaced by its class, so Rust can check length,
// alphabet, stray whitespace, quotes and label separators while the user types, without the
// secret itself leaving the input before "Next". Also draws whitespace visibly for previews.

// Zero-width characters are not matched by \s but are what a paste from a web page drags along.
// U+0085 (next line) is whitespace to Rust but not to \s, so it is kept too.
const INVISIBLE = /^[\s\u0085\u200B\u200C\u200D\u2060\uFEFF]$/u;
const QUOTES = new Set(['"', "'", '\u201C', '\u201D', '\u2018', '\u2019', '`', '\u00AB', '\u00BB']);
const KEPT = new Set(['-', '_', ':', '=']);

/** One character's class; `c` is one code point. */
function classOf(c) {
  if (c >= '0' && c <= '9') return '0';
  if (c >= 'a' && c <= 'f') return 'a';
  if (c >= 'A' && c <= 'F') return 'A';
  if (c >= 'g' && c <= 'z') return 'g';
  if (c >= 'G' && c <= 'Z') return 'G';
  if (KEPT.has(c) || QUOTES.has(c) || INVISIBLE.test(c)) return c;
  return '*';
}

/**
 * Maps a secret to its shape, code point by code point (as Rust counts characters). Text before
 * a `:` or `=` among the first 24 characters is kept: Xero's secrets never contain those, so it
 * is a pasted label ("Client secret: …") whose words the label check needs. Must stay identical
 * to `credentials::secret_shape` in the core.
 */
export function secretShape(secret) {
  const chars = [...secret];
  const labelEnd = chars.slice(0, 24).findIndex((c) => c === ':' || c === '=');
  let shape = labelEnd > 0 ? chars.slice(0, labelEnd).join('') : '';
  for (const c of chars.slice(Math.max(labelEnd, 0))) shape += classOf(c);
  return shape;
}

export const isInvisible = (c) => INVISIBLE.test(c);

/** How a whitespace or invisible character is drawn, and its name for a tooltip. */
function mark(c) {
  if (c === ' ') return ['␣', 'space'];
  if (c === '\t') return ['⇥', 'tab'];
  if (c === '\n' || c === '\r' || c === '\u0085') return ['↵', 'line break'];
  if (c === '\u00A0' || c === '\u2007' || c === '\u202F') return ['⍽', 'non-breaking space'];
  if (/[\u200B\u200C\u200D\u2060\uFEFF]/u.test(c)) return ['ZW', 'zero-width character'];
  return ['⎵', 'unusual space'];
}

/**
 * Splits text into runs for display: `{ text }` for ordinary characters and
 * `{ text, mark: true, name }` for each invisible one. With `masked`, ordinary characters are
 * drawn as bullets (used for the secret's shape, so no real character is ever shown).
 */
export function visibleWhitespace(text, masked = false) {
  const parts = [];
  for (const c of text) {
    if (isInvisible(c)) {
      const [symbol, name] = mark(c);
      parts.push({ text: symbol, mark: true, name });
    } else {
      const shown = masked ? '•' : c;
      const last = parts[parts.length - 1];
      if (last && !last.mark) last.text += shown;
      else parts.push({ text: shown });
    }
  }
  return parts;
}
