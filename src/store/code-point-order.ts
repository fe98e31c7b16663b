/**
 * Orders strings by Unicode code point, which is the byte order of their UTF-8 and so the order
 * SQLite (`BINARY`) and PostgreSQL (`COLLATE "C"`) sort them in. JavaScript's `<` compares UTF-16
 * code units, which puts U+E000..U+FFFF after the astral planes; this does not.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (an astral code point) sorts after every BMP character.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
