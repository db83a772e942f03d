/**
 * Durations as a schedule's catch_up is written: a number and a unit (30m, 6h, 2d, 1w) or the
 * ISO 8601 forms PnW and PnDTnHnM (PT6H, P1D). Years and months are refused: their length varies,
 * and a catch-up window is a fixed span of time after a slot.
 */
const SHORT = /^(\d+)([mhdw])$/;
const ISO = /^P(?:(\d+)W|(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?)$/;

const MINUTE = 60_000;
const UNIT_MS: Readonly<Record<string, number>> = { m: MINUTE, h: 60 * MINUTE, d: 24 * 60 * MINUTE, w: 7 * 24 * 60 * MINUTE };

/** Milliseconds of `text`, or undefined when it is not a duration of the forms above (or is zero). */
export function parseDuration(text: string): number | undefined {
  const short = SHORT.exec(text);
  if (short) {
    const ms = Number(short[1]) * UNIT_MS[short[2]!]!;
    return ms > 0 ? ms : undefined;
  }
  const iso = ISO.exec(text);
  if (!iso || text === 'P' || text.endsWith('T')) return undefined;
  const [, weeks, days, hours, minutes] = iso.map((part) => Number(part ?? 0));
  const ms = weeks! * UNIT_MS.w! + days! * UNIT_MS.d! + hours! * UNIT_MS.h! + minutes! * UNIT_MS.m!;
  return ms > 0 ? ms : undefined;
}

/** A span for people: "3 h", "1 d 6 h", "45 min" (whole minutes, largest units first). */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / MINUTE);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [days > 0 ? `${days} d` : '', hours > 0 ? `${hours} h` : '', rest > 0 ? `${rest} min` : ''].filter((p) => p !== '');
  return parts.length > 0 ? parts.join(' ') : '0 min';
}
