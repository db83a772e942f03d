/**
 * A count with its noun: "1 rule", "2 rules", "0 rules"; the plural is the noun plus "s" unless
 * given ("1 policy", "3 policies"). The last word of a phrase is the one that takes the plural
 * ("1 open FAIL finding", "2 open FAIL findings"). English only, as every report's text is.
 */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}
