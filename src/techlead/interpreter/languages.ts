/**
 * Calendar words of the languages ticket authors mix into English (INTERPRETATION.md §3 "Days"): day names and
 * the clock habits around them, turned into the English words the schedule reader knows, before anything else
 * reads the line. "Montag bis Freitag, 19:00 Uhr" was read as a daily 19:00 job — the days were dropped without a
 * word. Only day names and the range word between two of them are translated; no other word is touched. Pure data
 * and one function.
 *
 * Sources: the day names of the CLDR calendar data (German, Dutch, French, Spanish, Portuguese, Italian), in the
 * forms written in running text; German nouns are capitalised, Romance and Dutch day names are lower case — so a
 * capitalised "Domingo" (a first name, e.g. in a signature) is not a day.
 */

const DAYS: Record<string, readonly string[]> = {
  Monday: ["montag", "maandag", "lundi", "lunes", "segunda-feira", "segunda", "lunedì", "lunedi"],
  Tuesday: [
    "dienstag",
    "dinsdag",
    "mardi",
    "martes",
    "terça-feira",
    "terca-feira",
    "terça",
    "martedì",
    "martedi",
  ],
  Wednesday: [
    "mittwoch",
    "woensdag",
    "mercredi",
    "miércoles",
    "miercoles",
    "quarta-feira",
    "quarta",
    "mercoledì",
    "mercoledi",
  ],
  Thursday: ["donnerstag", "donderdag", "jeudi", "jueves", "quinta-feira", "quinta", "giovedì", "giovedi"],
  Friday: ["freitag", "vrijdag", "vendredi", "viernes", "sexta-feira", "sexta", "venerdì", "venerdi"],
  Saturday: ["samstag", "sonnabend", "zaterdag", "samedi", "sábado", "sabado", "sabato"],
  Sunday: ["sonntag", "zondag", "dimanche", "domingo", "domenica"],
};

/** German day nouns are written capitalised (the adverb "montags" lower case); the other languages' day names only at a sentence start. */
const GERMAN = new Set([
  "montag",
  "dienstag",
  "mittwoch",
  "donnerstag",
  "freitag",
  "samstag",
  "sonnabend",
  "sonntag",
]);
/** Capitalised, these are first names or words of their own, not days. */
const NOT_WHEN_CAPITALISED = new Set(["domingo", "segunda", "quarta", "quinta", "sexta", "terça"]);
/** The short Portuguese forms are days only next to another day word ("segunda a sexta"). */
const ONLY_IN_RANGES = new Set(["segunda", "terça", "quarta", "quinta", "sexta"]);

const ENGLISH = new Map<string, string>();
for (const [english, words] of Object.entries(DAYS)) for (const w of words) ENGLISH.set(w, english);

const L = String.raw`\p{L}`;
const DAY_WORD = [...ENGLISH.keys()].sort((a, b) => b.length - a.length).join("|");
/** A day word, with the plural / adverbial -s ("montags", "lunes"→"lunes"), at word boundaries. */
const DAY_RE = new RegExp(String.raw`(?<![${L}\d/_.-])(${DAY_WORD})(s?)(?![${L}\d/_-]|\.[${L}\d])`, "giu");
/** Cheap test first: most lines name no foreign day and no "Uhr". */
const CANDIDATE_RE = new RegExp(String.raw`${DAY_WORD}|Uhr|\d\s?h|\b(?:Mo|Di|Mi|Do|Fr|Sa|So)\b`, "iu");
/** "Montag bis Freitag", "lundi au vendredi", "lunes a viernes", "segunda a sexta", "maandag t/m vrijdag". */
const RANGE_RE = new RegExp(
  String.raw`(?<![${L}\d/_.-])(${DAY_WORD})\s+(?:bis|au|à|a|al|até|ate|tot(?:\s+en\s+met)?|t\/m|fino\s+a|hasta)\s+(${DAY_WORD})(?![${L}\d/_-]|\.[${L}\d])`,
  "giu",
);
/** German short forms, only as a range: "Mo-Fr", "Mo.–Fr.", "Mo bis Fr". */
const GERMAN_SHORT = { mo: "Mon", di: "Tue", mi: "Wed", do: "Thu", fr: "Fri", sa: "Sat", so: "Sun" } as const;
const GERMAN_SHORT_RANGE_RE =
  /(?<![\p{L}])(Mo|Di|Mi|Do|Fr|Sa|So)\.?\s*(?:-|–|bis)\s*(Mo|Di|Mi|Do|Fr|Sa|So)\.?(?![\p{L}])/gu;
/** "19:00 Uhr", "18.30 Uhr", "7 Uhr": a 24-hour clock time. */
const UHR_RE = /\b(?:um\s+)?(\d{1,2})(?:[:.](\d{2}))?\s*Uhr\b/g;
/** "à 7h30", "às 18h", "vers 6h", "a las 7h": a clock time after a word for "at" (a bare "4h" may be a duration). */
const H_CLOCK_RE =
  /(?<![\p{L}])(?:à|às|as|vers|dès|a\s+las|alle|um)\s+(\d{1,2})\s?h(?:\s?(\d{2}))?(?![\p{L}\d])/giu;

function english(word: string, inRange: boolean, plural = false): string | undefined {
  const lower = word.toLowerCase();
  const day = ENGLISH.get(lower);
  if (!day) return undefined;
  const capitalised = word[0] !== lower[0];
  if (capitalised && NOT_WHEN_CAPITALISED.has(lower) && !inRange) return undefined;
  if (!inRange && ONLY_IN_RANGES.has(lower)) return undefined;
  // "montags" (on Mondays) is a German adverb, written lower case; "Montag" a noun.
  if (!capitalised && GERMAN.has(lower) && !inRange && !plural) return undefined;
  return day;
}

/** The line with foreign day names (and "Uhr" clock times) in English; quoted text and every other word as written. */
export function englishCalendarWords(line: string): string {
  if (!CANDIDATE_RE.test(line)) return line;
  return line
    .split(/(`[^`]*`|"[^"]*"|“[^”]*”)/)
    .map((part, i) => (i % 2 === 1 ? part : translate(part)))
    .join("");
}

function translate(text: string): string {
  let out = text.replace(GERMAN_SHORT_RANGE_RE, (whole, a: string, b: string) => {
    const from = GERMAN_SHORT[a.toLowerCase() as keyof typeof GERMAN_SHORT];
    const to = GERMAN_SHORT[b.toLowerCase() as keyof typeof GERMAN_SHORT];
    return from === to ? whole : `${from}-${to}`;
  });
  out = out.replace(RANGE_RE, (whole, a: string, b: string) => {
    const from = english(a, true);
    const to = english(b, true);
    return from && to ? `${from} to ${to}` : whole;
  });
  out = out.replace(DAY_RE, (whole, word: string, plural: string) => {
    const day = english(word, false, plural === "s");
    return day ? `${day}${plural}` : whole;
  });
  out = out.replace(H_CLOCK_RE, (_, h: string, m?: string) => `at ${h}:${m ?? "00"}`);
  return out.replace(
    UHR_RE,
    (whole, h: string, m?: string) => `${whole.startsWith("um") ? "at " : ""}${h}:${m ?? "00"}`,
  );
}
