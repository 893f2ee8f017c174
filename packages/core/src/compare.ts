/**
 * The one order for names in output: UTF-16 code units, as `<` compares strings. Not
 * `localeCompare`, whose order depends on the machine's locale and ICU version: the same spec
 * must give the same bytes everywhere.
 */

/**
 * Compares two strings by code unit, for `Array.prototype.sort`.
 * @example ['b', 'a', 'B'].sort(byCodeUnit) // ['B', 'a', 'b']
 */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compares two named things by name, code unit by code unit.
 * @example hubs.sort(byName)
 */
export function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return byCodeUnit(a.name, b.name);
}
