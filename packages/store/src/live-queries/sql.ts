/**
 * Marks a string as SQL (editors highlight it). Interpolated values are spliced into the text
 * as-is, so never interpolate user input: pass values with `bindValues` instead.
 *
 * @example
 * queryDb({ query: sql`select * from todos where id = $id`, bindValues: { id }, schema })
 */
export const sql = (strings: TemplateStringsArray, ...values: ReadonlyArray<string | number>): string => {
  let text = strings[0] ?? ''
  for (let i = 0; i < values.length; i++) text += String(values[i]) + (strings[i + 1] ?? '')
  return text
}
