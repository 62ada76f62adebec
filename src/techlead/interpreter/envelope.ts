/**
 * The envelope of a ticket written as a message, which is not part of what it asks for: the sign-off and the
 * signature under it (a name, a title, a phone number, the sender's own address, a legal disclaimer), reply headers
 * ("On Tue, 3 Nov, Rachel <r@x.com> wrote:", "From: … Sent: …") and the older messages quoted under them when the
 * message above already names its code, chat scaffolding (a "#channel" line, the "**tom** 16:40 —" before each
 * message), the line that says whom a pasted message is from ("Slack DM from Oksana:"), an issue form's empty
 * answers ("_No response_") and an issue tracker's field lines ("Type: Story  Priority: P2  Reporter: …", "Sprint:
 * …"). A "Current: …" line above a "Wanted: …" line is the job's state, not the ask. An issue form's "### Label"
 * heading is joined to its one-line answer ("### Job name" / "invoice-pdf-ingest" → "Job name: invoice-pdf-ingest"),
 * as the label would be written on one line.
 *
 * Lines are blanked, never removed, so file line numbers stay. A line under a sign-off is signature only while it
 * holds nothing a job could use (requirementTokens: no path, time, zone, concept or change word; an address or a
 * phone number is fine), so "Thanks!" followed by "P.S. also email bob@x.com on failure" keeps the P.S. Pure.
 */
import { requirementTokens } from "./accounting.js";

const SIGN_OFF =
  /^\s*(?:(?:many|big)\s+)?(?:thanks|thank\s+you|thx|ty|cheers|best|regards|kind\s+regards|best\s+regards|warm\s+regards|all\s+the\s+best|sincerely|br|greetings|grazie(?:\s+mille)?|danke(?:\s+sch(?:ö|oe)n)?|(?:mit\s+)?(?:freundlichen|besten)\s+gr(?:ü|ue)(?:ß|ss)en|viele\s+gr(?:ü|ue)(?:ß|ss)e|merci(?:\s+beaucoup)?|cordialement|saludos|gracias|obrigad[oa]|abra[çc]os|pozdrawiam|dzi[eę]kuj[eę]|dzi[eę]ki|arigat(?:ou|o)(?:\s+gozaimasu)?)(?:\s+(?:a\s+lot|so\s+much|in\s+advance|again|all|everyone|team))?\s*[!,.]*\s*(?:(?:[-—–]\s*|,\s*)\p{Lu}[\p{L}.'-]*(?:\s+\p{Lu}[\p{L}.'-]*){0,2})?\s*$/iu;
/** The usenet signature delimiter "-- " (and the "—" some write alone before their name). */
const SIG_DELIMITER = /^\s*(?:--|—|–)\s*$/;
const DISCLAIMER =
  /\b(?:confidential|privileged|intended\s+recipient|unauthori[sz]ed\s+(?:use|disclosure)|please\s+consider\s+the\s+environment|sent\s+from\s+my\s+(?:iphone|android|phone|mobile))\b/i;
/** A postscript continues the message: never signature. */
const POSTSCRIPT = /^\s*p\.?\s?s\.?\b/i;
const CLOCK = /\b\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?|h|uhr)\b|\b\d{1,2}[:.]\d{2}\b/i;
/** "On Tue, 3 Nov, Rachel Kim <rachel.kim@acme.com> wrote:", and its German, French, Spanish, Portuguese, Italian forms. */
const ATTRIBUTION =
  /^\s*(?:>\s*)*(?:On\s.{3,160}\s(?:wrote|writes)|Am\s.{3,160}\sschrieb|Le\s.{3,160}\sa\s+écrit|El\s.{3,160}\sescribió|Em\s.{3,160}\sescreveu|Il\s.{3,160}\sha\s+scritto)\s*:?\s*$/i;
const FORWARD_RULE = /^\s*(?:>\s*)*-{2,}\s*(?:original\s+message|forwarded\s+message)\s*-{2,}\s*$/i;
const HEADER =
  /^\s*(?:>\s*)*(?:From|Sent|To|Cc|Date|Subject|Von|Gesendet|An|Betreff|De|Envoyé|À|Objet)\s*:\s/i;
const QUOTED = /^\s*>/;
/** Code a message names: with it, older quoted messages under it are history, not the ask. */
const NAMES_CODE =
  /\/(?:Workspace|Repos|Users|Shared|Volumes)\/|\bdbfs:|\b(?:s3a?|abfss|gs):\/\/|\.(?:py|sql|whl|jar)\b|\b(?:notebook|pipeline|wheel|jar|dbt)\b/i;
const CHANNEL = /^\s*(?:\*\*)?#[\w.-]+(?:\*\*)?\s*$/;
/** "**tom** 16:40 — ", "tom 4:41 PM: ", "[16:40] tom: ": who said it and when, before a chat message. */
const CHAT_PREFIX =
  /^(\s*)(?:\*\*[\p{L}][\p{L}\w .'-]{0,30}\*\*|[\p{L}][\p{L}\w.'-]{0,20}(?:\s[\p{Lu}][\p{L}.'-]{0,20})?)\s+\[?\d{1,2}:\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?\]?\s*(?:[—–:-]\s*)?|^(\s*)\[\d{1,2}:\d{2}(?:\s?[AaPp][Mm])?\]\s*[\p{L}][\p{L}\w.'-]{0,20}\s*:\s*/u;
const NO_RESPONSE = /^\s*(?:[-*]\s*)?(?:[^:\n]{1,40}:\s*)?_No response_\s*$/i;
const BACKGROUND =
  /^\s*(?:\*\*|#+\s*)?(?:background|context|motivation|history)(?:\*\*)?\s*:?(?:\*\*)?(?:\s|$)/i;
/** "Slack DM from Oksana:", "Email from the finance team:", "Teams message from Raj (ops):": who a pasted message is from. */
const PASTED_FROM =
  /^\s*(?:(?:an?\s+)?(?:slack|teams|chat|whatsapp)\s+(?:dm|message|msg|thread|post)|(?:forwarded\s+)?(?:e-?mail|message|note|dm))\s+from\s+[\p{L}][\p{L}\w .'@-]{0,40}(?:\s*\([^)\n]{0,40}\))?\s*:\s*$/iu;
/** A before/after pair of lines: "Current: 4 fixed workers, DBR 13.3" above "Wanted: autoscale 2–10, DBR 15.4". */
const BEFORE_LABEL =
  /^\s*(?:[-*]\s*)?(?:\*\*)?(?:current(?:ly)?|before|old|today|now|is|as[\s-]is|existing|was)(?:\s+(?:state|setup|config(?:uration)?|settings))?(?:\*\*)?\s*:/i;
const AFTER_LABEL =
  /^\s*(?:[-*]\s*)?(?:\*\*)?(?:wanted|want|new|after|target|desired|should\s+be|to[\s-]be|proposed|change\s+to)(?:\s+(?:state|setup|config(?:uration)?|settings))?(?:\*\*)?\s*:/i;
/**
 * An issue tracker's fields: "Type: Story    Priority: P2    Reporter: Dana", "Sprint: …". Not "Labels:" (tags) nor
 * "Status:" (it may ask for a pause), and "Priority:" only with a tracker's value.
 */
const TRACKER_FIELDS =
  /^\s*(?:\*\*)?(?:(?:type|issue\s+type|reporter|assignee|components?|sprint|epic(?:\s+link)?|story\s+points|fix\s+versions?|affects\s+versions?|resolution|created|updated)(?:\*\*)?\s*:|priority(?:\*\*)?\s*:\s*(?:p\d|highest|high|medium|low|lowest|critical|blocker|major|minor|trivial|normal)\b)/i;
const FORM_HEADING = /^\s{0,3}###\s+(.{2,60}?)\s*#*\s*$/;

/**
 * The quotes around a pasted message, from its first line to the line that closes them: the message is what the
 * ticket asks for, not a name in quotes. Replaced by spaces (columns stay).
 */
function unquoteMessage(lines: string[], from: number): void {
  const open = /^(\s*)["“]/.exec(lines[from] ?? "");
  if (!open) return;
  for (let j = from; j < lines.length && (lines[j] as string).trim() !== ""; j++) {
    const close = /["”](\s*)$/.exec(
      j === from ? (lines[j] as string).slice(open[0].length) : (lines[j] as string),
    );
    if (!close) continue;
    const line = lines[j] as string;
    const end = line.length - close[0].length;
    lines[j] = `${line.slice(0, end)} ${close[1]}`;
    lines[from] = `${open[1]} ${(lines[from] as string).slice(open[0].length)}`;
    return;
  }
}

/** Whether a line under a sign-off is signature: nothing in it a job could use. */
function signatureLine(line: string): boolean {
  if (DISCLAIMER.test(line)) return true;
  if (line.trim().length > 80 || CLOCK.test(line)) return false;
  return requirementTokens(line).every((t) => t.kind === "email" || t.kind === "number" || t.kind === "id");
}

export function stripEnvelope(body: string): string {
  const lines = body.split(/\r?\n/);
  const blank = (i: number) => {
    lines[i] = "";
  };
  // Chat scaffolding (a transcript: two or more lines open with who said it and when) and empty form answers.
  const transcript = lines.filter((l) => CHAT_PREFIX.test(l)).length >= 2;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (TRACKER_FIELDS.test(l) && !NAMES_CODE.test(l)) blank(i);
    else if (PASTED_FROM.test(l)) {
      blank(i);
      unquoteMessage(lines, i + 1);
    } else if ((transcript && CHANNEL.test(l)) || NO_RESPONSE.test(l)) blank(i);
    else if (transcript) lines[i] = l.replace(CHAT_PREFIX, (_m, a?: string, b?: string) => a ?? b ?? "");
  }
  // Reply headers, and the older messages quoted under them once the message above names its code.
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    const fromHeader =
      HEADER.test(l) &&
      /^\s*(?:>\s*)*(?:From|Von|De)\s*:/i.test(l) &&
      lines
        .slice(i + 1, i + 5)
        .some((n) => /^\s*(?:>\s*)*(?:Sent|Date|Subject|Gesendet|Betreff|Envoyé|Objet)\s*:/i.test(n));
    if (!ATTRIBUTION.test(l) && !FORWARD_RULE.test(l) && !fromHeader) continue;
    const above = lines.slice(0, i).join("\n");
    blank(i);
    let j = i + 1;
    while (j < lines.length && (HEADER.test(lines[j] as string) || FORWARD_RULE.test(lines[j] as string)))
      blank(j++);
    if (!NAMES_CODE.test(above)) continue;
    for (; j < lines.length; j++) {
      const q = lines[j] as string;
      if (q.trim() === "" || QUOTED.test(q) || fromHeader) blank(j);
      else break;
    }
  }
  // The sign-off and the signature under it.
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (!SIGN_OFF.test(l) && !SIG_DELIMITER.test(l)) continue;
    const after: number[] = [];
    let j = i + 1;
    for (; j < lines.length && after.length < 8; j++) {
      const s = lines[j] as string;
      if (s.trim() === "") continue;
      if (POSTSCRIPT.test(s) || !signatureLine(s)) break;
      after.push(j);
    }
    // A sign-off ends the message only when what follows it is signature (or nothing).
    const rest = lines.slice(j).some((s) => s.trim() !== "");
    if (rest && after.length === 0 && !SIGN_OFF.test(l)) continue;
    blank(i);
    for (const k of after) blank(k);
  }
  // A paragraph the ticket labels as its background ("Background: since the reorg in March the team rebuilds the
  // deck by hand every Monday…") says why, not what: its months and days are not the schedule's.
  for (let i = 0; i < lines.length; i++) {
    if (!BACKGROUND.test(lines[i] as string) || (i > 0 && (lines[i - 1] as string).trim() !== "")) continue;
    for (let j = i; j < lines.length && (lines[j] as string).trim() !== ""; j++) blank(j);
  }
  // A line that says what the job has now, right above the line that says what it should have: the state, not the ask.
  for (let i = 0; i < lines.length; i++) {
    if (!BEFORE_LABEL.test(lines[i] as string)) continue;
    if (lines.slice(i + 1, i + 4).some((n) => AFTER_LABEL.test(n))) blank(i);
  }
  // An issue form: "### Label", a blank line, a one-line answer → "Label: answer" on the answer's line.
  for (let i = 0; i < lines.length; i++) {
    const heading = FORM_HEADING.exec(lines[i] as string);
    if (!heading || /[?:]$/.test(heading[1] as string) || (heading[1] as string).split(/\s+/).length > 4)
      continue;
    let j = i + 1;
    while (j < lines.length && (lines[j] as string).trim() === "") j++;
    const answer = lines[j];
    const single = answer !== undefined && (j + 1 >= lines.length || (lines[j + 1] as string).trim() === "");
    if (!single || FORM_HEADING.test(answer) || /^\s*#/.test(answer)) continue;
    lines[j] = `${heading[1]}: ${answer.trim()}`;
    blank(i);
  }
  return lines.join("\n");
}
