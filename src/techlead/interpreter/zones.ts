/**
 * Time-zone words → IANA ids (INTERPRETATION.md §3 "Zone words"). Covers, in this order:
 *   1. IANA ids written in the text ("Europe/London", "America/Argentina/Buenos_Aires"), checked against the
 *      runtime's zone database (`Intl.supportedValuesOf("timeZone")`);
 *   2. region words and abbreviations with their daylight-saving meaning (ET/EST/EDT = New York, PT = Los Angeles,
 *      CT/CST = Chicago, MT = Denver, CET/CEST = Berlin, BST/UK = London, AEST = Sydney…) — the curated table;
 *   3. any city of the zone database, when the words say it is a time ("Lisbon time", "time in Denver",
 *      "8am Madrid", "(Toronto)"), written with or without diacritics ("São Paulo time").
 * Ambiguous abbreviations (IST: India, Ireland or Israel) are never mapped; they stay for the accounting
 * (accounting.ts) to ask about. Pure.
 */

import { globalOf, matchesOf } from "./text.js";

export interface ZoneMention {
  index: number;
  zone: string;
  words: string;
}

const IANA_IDS: Set<string> = new Set(
  (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.("timeZone") ?? [],
);

export const IANA_RE =
  /\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc|US)\/[A-Za-z_]+(?:\/[A-Za-z_]+)?\b/g;

/** Curated zone words (strongest signal after a written IANA id). */
export const ZONE_WORDS: Array<[RegExp, string]> = [
  // Before "central" (Chicago) and "IST" (never mapped alone): the qualified spellings.
  [/\bcentral\s+europe(?:an)?(?:\s+(?:standard|summer))?\s+time\b|\bcentral\s+european\b/i, "Europe/Berlin"],
  [
    /\bIST\s*\(\s*india(?:n)?(?:\s+(?:standard\s+)?time)?\b|\bindia(?:n)?\s+(?:standard\s+)?time\s*\(\s*IST\s*\)|\bindia(?:n)?\s+(?:standard\s+)?time\b/i,
    "Asia/Kolkata",
  ],
  [/\b(berlin|cet|cest|german time)\b/i, "Europe/Berlin"],
  [/\b(london|uk time|british time|bst|gmt)\b/i, "Europe/London"],
  [/\b(new york|eastern|est|edt|nyc)\b/i, "America/New_York"],
  [/\bET\b/, "America/New_York"],
  [/\b(pacific|pst|pdt|los angeles|california time)\b/i, "America/Los_Angeles"],
  [/\bPT\b/, "America/Los_Angeles"],
  [/\b(chicago|central time|cst|cdt|central)\b/i, "America/Chicago"],
  [/\bCT\b/, "America/Chicago"],
  [/\b(mountain time|mst|mdt|denver)\b/i, "America/Denver"],
  [/\bMT\b/, "America/Denver"],
  [/\b(sydney|aest|aedt)\b/i, "Australia/Sydney"],
  [/\b(singapore|sgt)\b/i, "Asia/Singapore"],
  [/\b(amsterdam)\b/i, "Europe/Amsterdam"],
  [/\b(paris)\b/i, "Europe/Paris"],
  [/\b(tokyo|jst)\b/i, "Asia/Tokyo"],
  [/\b(hong kong|hkt)\b/i, "Asia/Hong_Kong"],
  [/\b(utc|zulu)\b/i, "UTC"],
];

/**
 * Common cities and countries the zone database does not list, each in one zone only (places spread over several
 * zones — the US, Brazil, Australia — are not here: their words stay for the accounting to ask about).
 */
export const PLACE_ZONES: Record<string, string> = {
  seattle: "America/Los_Angeles",
  "san francisco": "America/Los_Angeles",
  "san jose": "America/Los_Angeles",
  "san diego": "America/Los_Angeles",
  "silicon valley": "America/Los_Angeles",
  boston: "America/New_York",
  atlanta: "America/New_York",
  miami: "America/New_York",
  philadelphia: "America/New_York",
  dallas: "America/Chicago",
  houston: "America/Chicago",
  austin: "America/Chicago",
  frankfurt: "Europe/Berlin",
  munich: "Europe/Berlin",
  hamburg: "Europe/Berlin",
  cologne: "Europe/Berlin",
  germany: "Europe/Berlin",
  german: "Europe/Berlin",
  france: "Europe/Paris",
  french: "Europe/Paris",
  netherlands: "Europe/Amsterdam",
  dutch: "Europe/Amsterdam",
  spain: "Europe/Madrid",
  barcelona: "Europe/Madrid",
  italy: "Europe/Rome",
  milan: "Europe/Rome",
  switzerland: "Europe/Zurich",
  geneva: "Europe/Zurich",
  ireland: "Europe/Dublin",
  irish: "Europe/Dublin",
  poland: "Europe/Warsaw",
  india: "Asia/Kolkata",
  indian: "Asia/Kolkata",
  bangalore: "Asia/Kolkata",
  bengaluru: "Asia/Kolkata",
  mumbai: "Asia/Kolkata",
  delhi: "Asia/Kolkata",
  "new delhi": "Asia/Kolkata",
  chennai: "Asia/Kolkata",
  hyderabad: "Asia/Kolkata",
  pune: "Asia/Kolkata",
  israel: "Asia/Jerusalem",
  "tel aviv": "Asia/Jerusalem",
  japan: "Asia/Tokyo",
  osaka: "Asia/Tokyo",
  korea: "Asia/Seoul",
  "south korea": "Asia/Seoul",
  china: "Asia/Shanghai",
  beijing: "Asia/Shanghai",
  "new zealand": "Pacific/Auckland",
  uae: "Asia/Dubai",
};

/** City name (lower case, spaces) → IANA id, from the zone database and PLACE_ZONES. */
const CITIES: Map<string, string> = new Map([
  ...[...IANA_IDS]
    .filter((id) => /^(?:Africa|America|Asia|Atlantic|Australia|Europe|Indian|Pacific)\//.test(id))
    .map((id) => [id.split("/").at(-1)!.replace(/_/g, " ").toLowerCase(), id] as [string, string]),
  ...Object.entries(PLACE_ZONES),
]);

/** "São Paulo" → "sao paulo": city names are looked up without diacritics (the zone database spells them so). */
function plainCity(name: string): string {
  return name.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

const CITY_CONTEXT = String.raw`(\p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+)?)`;
/** Each pattern with a test of what a text must hold for it to match (so most texts run none of them). */
const CITY_RES: Array<[RegExp, (text: string) => boolean]> = [
  [
    new RegExp(String.raw`(?<![\p{L}])${CITY_CONTEXT}(?=\s+(?:local\s+|standard\s+)?[Tt]ime\b)`, "gu"),
    (text) => text.includes("time") || text.includes("Time"),
  ],
  [new RegExp(String.raw`\btime\s+in\s+${CITY_CONTEXT}`, "gu"), (text) => text.includes("time")],
  // The same words in the languages authors mix in: "hora de Madrid", "horário de São Paulo", "heure de Paris".
  [
    new RegExp(String.raw`\b(?:hora|horário|horario|heure|ora|Zeit)\s+(?:de|di|in)\s+${CITY_CONTEXT}`, "gu"),
    (text) => /hor[aá]|heure|\bora\b|Zeit/.test(text),
  ],
  [
    new RegExp(String.raw`\d(?:\s*[ap]\.?m\.?)?\s+(?:in\s+)?${CITY_CONTEXT}(?![\p{L}])`, "giu"),
    (text) => /\d/.test(text),
  ],
  [new RegExp(String.raw`\(${CITY_CONTEXT}\)`, "gu"), (text) => text.includes("(")],
];

/**
 * Matches wherever one of ZONE_WORDS does (their union, case-insensitive: a superset of the case-sensitive ones): a
 * text it does not match names none of them, and the twenty patterns are not run over it.
 */
const ANY_ZONE_WORD = new RegExp(ZONE_WORDS.map(([re]) => `(?:${re.source})`).join("|"), "i");

export function isIanaZone(id: string): boolean {
  if (IANA_IDS.has(id) || id === "UTC") return true;
  try {
    // Aliases the database lists under another canonical id ("America/Argentina/Buenos_Aires").
    new Intl.DateTimeFormat("en-US", { timeZone: id });
    return true;
  } catch {
    return false;
  }
}

/** Every zone the text names, in text order. */
export function zoneMentions(text: string): ZoneMention[] {
  const out: ZoneMention[] = [];
  const taken = (i: number) => out.some((o) => i >= o.index && i < o.index + o.words.length);
  // An IANA id holds a "/".
  if (text.includes("/"))
    for (const m of matchesOf(IANA_RE, text)) {
      if (isIanaZone(m[0])) out.push({ index: m.index, zone: m[0], words: m[0] });
    }
  if (ANY_ZONE_WORD.test(text))
    for (const [re, zone] of ZONE_WORDS) {
      for (const m of matchesOf(globalOf(re), text)) {
        if (!taken(m.index)) out.push({ index: m.index, zone, words: m[0] });
      }
    }
  for (const [re, mayMatch] of CITY_RES) {
    if (!mayMatch(text)) continue;
    for (const m of matchesOf(re, text)) {
      const city = m[1];
      const zone = CITIES.get(plainCity(city));
      const index = m.index + m[0].indexOf(city);
      if (zone && !taken(index)) out.push({ index, zone, words: city });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}
