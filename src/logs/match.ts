/** `text` is at `i` in `s`. String#startsWith with a position is several times slower on the hot path. */
export function matchesAt(s: string, i: number, text: string): boolean {
  const n = text.length;
  if (i < 0 || i + n > s.length) return false;
  for (let k = 0; k < n; k++) if (s.charCodeAt(i + k) !== text.charCodeAt(k)) return false;
  return true;
}
