/** Deterministic string order that does not depend on ICU (DESIGN.md "Rendering"). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
