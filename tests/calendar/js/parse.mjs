// Reads one iCalendar document on stdin and prints what ical.js (Thunderbird's parser) makes
// of it as JSON: each VEVENT's UID, UTC start/end instants, summary, status and sequence.
// Exits non-zero (with the message on stderr) when ical.js refuses the document.
import ICAL from "ical.js";

let text = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) text += chunk;

const root = new ICAL.Component(ICAL.parse(text));
for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
}
const events = root.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  const tzid = vevent.getFirstProperty("dtstart").getParameter("tzid") || null;
  return {
    uid: event.uid,
    start: event.startDate.toJSDate().toISOString(),
    end: event.endDate.toJSDate().toISOString(),
    tzid,
    zoneKnown: tzid === null || ICAL.TimezoneService.has(tzid),
    summary: event.summary,
    location: event.location,
    description: event.description,
    status: vevent.getFirstPropertyValue("status"),
    sequence: event.sequence,
  };
});
process.stdout.write(JSON.stringify({
  method: root.getFirstPropertyValue("method"),
  name: root.getFirstPropertyValue("x-wr-calname"),
  events,
}));
