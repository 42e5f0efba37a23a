/**
 * HTTP dates: formatting IMF-fixdates and parsing the date formats clients send (RFC
 * 9110 §5.6.7, with the leniency of Python's `email.utils` that Werkzeug relies on).
 *
 * @module
 */
import { pyInt } from "./python_text.ts";

/**
 * Formats a date as an HTTP date (IMF-fixdate), as Werkzeug's `http_date`.
 *
 * @param date A `Date`, or seconds since the epoch (as in Werkzeug; not milliseconds);
 *   the current time when omitted.
 * @returns e.g. `"Sun, 06 Nov 1994 08:49:37 GMT"`.
 * @example
 * ```ts
 * import { httpDate } from "@phial/phial";
 * httpDate(new Date(Date.UTC(1994, 10, 6, 8, 49, 37))); // "Sun, 06 Nov 1994 08:49:37 GMT"
 * httpDate(0);                                            // "Thu, 01 Jan 1970 00:00:00 GMT"
 * ```
 */
export function httpDate(date?: Date | number): string {
  const ms = date === undefined
    ? Date.now()
    : typeof date === "number"
    ? Math.floor(date) * 1000
    : date.getTime();
  if (!Number.isFinite(ms)) throw new TypeError(`httpDate: invalid date ${String(date)}`);
  // Seconds are truncated, as Python's formatdate does.
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString();
}

const MONTHS = [
  "jan",
  "feb",
  "mar",
  "apr",
  "may",
  "jun",
  "jul",
  "aug",
  "sep",
  "oct",
  "nov",
  "dec",
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const DAYS = new Set(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);
const ZONES: Record<string, number> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  AST: -400,
  ADT: -300,
  EST: -500,
  EDT: -400,
  CST: -600,
  CDT: -500,
  MST: -700,
  MDT: -600,
  PST: -800,
  PDT: -700,
};

/**
 * Parses an HTTP date (IMF-fixdate, RFC 850 or asctime, and the other forms Werkzeug's
 * `parse_date` accepts); `null` for anything that is not a valid date. A date without a
 * zone is taken as UTC.
 *
 * @param value The header value.
 * @returns The date, or `null`.
 * @example
 * ```ts
 * import { parseDate } from "@phial/phial";
 * parseDate("Sun, 06 Nov 1994 08:49:37 GMT")?.toISOString(); // "1994-11-06T08:49:37.000Z"
 * parseDate("Sunday, 06-Nov-94 08:49:37 GMT");                 // the same instant
 * parseDate("garbage");                                        // null
 * ```
 */
export function parseDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  // Fast path for the IMF-fixdate every modern client sends; same result as below.
  const fix = IMF_FIXDATE_RE.exec(value);
  if (fix !== null) {
    const month = FIXDATE_MONTHS.indexOf(fix[2]!) / 3;
    const [day, year, hour, minute, second] = [fix[1], fix[3], fix[4], fix[5], fix[6]].map(
      Number,
    ) as [number, number, number, number, number];
    // "0001" is year 1, which Python maps into 1969-2068 like a two-digit year.
    const fullYear = year < 100 ? year + (year > 68 ? 1900 : 2000) : year;
    return validUtcDate(fullYear, month + 1, day, hour, minute, second, 0);
  }
  let data = value.split(/\s+/).filter((part) => part !== "");
  if (data.length === 0) return null;
  const first = data[0]!;
  if (first.endsWith(",") || DAYS.has(first.toLowerCase())) data.shift();
  else {
    const comma = first.lastIndexOf(",");
    if (comma >= 0) data[0] = first.slice(comma + 1);
  }
  if (data.length === 3) {
    const stuff = data[0]!.split("-");
    if (stuff.length === 3) data = [...stuff, ...data.slice(1)];
  }
  if (data.length === 4) {
    const s = data[3]!;
    let i = s.indexOf("+");
    if (i === -1) i = s.indexOf("-");
    if (i > 0) data.splice(3, 1, s.slice(0, i), s.slice(i));
    else data.push("");
  }
  if (data.length < 5) return null;
  let [dd, mm, yy, tm, tz] = data.slice(0, 5) as [string, string, string, string, string];
  if (!(dd && mm && yy)) return null;
  mm = mm.toLowerCase();
  let monthIndex = MONTHS.indexOf(mm);
  if (monthIndex === -1) {
    [dd, mm] = [mm, dd.toLowerCase()];
    monthIndex = MONTHS.indexOf(mm);
    if (monthIndex === -1) return null;
  }
  const month = (monthIndex % 12) + 1;
  if (dd.endsWith(",")) dd = dd.slice(0, -1);
  if (yy.indexOf(":") > 0) [yy, tm] = [tm, yy];
  if (yy.endsWith(",")) {
    yy = yy.slice(0, -1);
    if (!yy) return null;
  }
  if (!(yy[0]! >= "0" && yy[0]! <= "9")) [yy, tz] = [tz, yy];
  if (tm.endsWith(",")) tm = tm.slice(0, -1);
  let parts = tm.split(":");
  let hh: string, mi: string, ss: string | number;
  if (parts.length === 2) [hh, mi, ss] = [parts[0]!, parts[1]!, "0"];
  else if (parts.length === 3) [hh, mi, ss] = parts as [string, string, string];
  else if (parts.length === 1 && parts[0]!.includes(".")) {
    parts = parts[0]!.split(".");
    if (parts.length === 2) [hh, mi, ss] = [parts[0]!, parts[1]!, 0];
    else if (parts.length === 3) [hh, mi, ss] = parts as [string, string, string];
    else return null;
  } else return null;
  let year = pyInt(yy);
  const day = pyInt(dd);
  const hour = pyInt(hh);
  const minute = pyInt(mi);
  const second = pyInt(ss);
  if (
    year === undefined || day === undefined || hour === undefined || minute === undefined ||
    second === undefined
  ) return null;
  if (year < 100) year += year > 68 ? 1900 : 2000;

  let offset = 0;
  const zone = tz.toUpperCase();
  if (Object.hasOwn(ZONES, zone)) offset = ZONES[zone]!;
  else {
    const n = pyInt(zone);
    if (n !== undefined) offset = n;
  }
  const sign = offset < 0 ? -1 : 1;
  const abs = Math.abs(offset);
  const offsetSeconds = sign * (Math.floor(abs / 100) * 3600 + (abs % 100) * 60);
  if (Math.abs(offsetSeconds) >= 86400) return null;

  return validUtcDate(year, month, day, hour, minute, second, offsetSeconds);
}

const IMF_FIXDATE_RE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d\d):(\d\d):(\d\d) GMT$/;
const FIXDATE_MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

/** The instant, or `null` when a field is out of range (Python's `datetime()` checks). */
function validUtcDate(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  offsetSeconds: number,
): Date | null {
  if (year < 1 || year > 9999 || hour > 23 || minute > 59 || second > 59) return null;
  if (day < 1 || hour < 0 || minute < 0 || second < 0) return null;
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate();
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (day > (month === 2 ? (leap ? 29 : 28) : daysInMonth)) return null;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, 0);
  return new Date(utc.getTime() - offsetSeconds * 1000);
}
