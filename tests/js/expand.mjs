// Expands every event of an .ics file with ical.js, the parser Thunderbird uses.
// Usage: node expand.mjs FILE START END  (dates as YYYY-MM-DD)
// Prints JSON: [{uid, summary, status, start, end}] with start/end in UTC (ISO 8601).
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [file, startArg, endArg] = process.argv.slice(2);
const text = readFileSync(file, "utf8");
const root = new ICAL.Component(ICAL.parse(text));

// Register the feed's own VTIMEZONE, as Thunderbird does, so TZID=Europe/Berlin resolves to it.
for (const vtz of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
}

const rangeStart = ICAL.Time.fromDateString(startArg);
const rangeEnd = ICAL.Time.fromDateString(endArg);
const out = [];
for (const vevent of root.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  const base = {
    uid: event.uid,
    summary: event.summary,
    status: vevent.getFirstPropertyValue("status"),
    sequence: event.sequence,
  };
  if (!event.isRecurring()) {
    if (event.startDate.compare(rangeEnd) < 0 && event.endDate.compare(rangeStart) >= 0) {
      out.push({ ...base, start: event.startDate.toJSDate().toISOString(), end: event.endDate.toJSDate().toISOString() });
    }
    continue;
  }
  const it = event.iterator();
  let next;
  while ((next = it.next())) {
    if (next.compare(rangeEnd) >= 0) break;
    const details = event.getOccurrenceDetails(next);
    if (details.endDate.compare(rangeStart) < 0) continue;
    out.push({ ...base, start: details.startDate.toJSDate().toISOString(), end: details.endDate.toJSDate().toISOString() });
  }
}
process.stdout.write(JSON.stringify(out));
