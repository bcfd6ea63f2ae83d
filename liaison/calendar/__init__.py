"""Calendar output: iCalendar bytes for downloads, feeds and invites (`ical`, rule-based
VTIMEZONEs in `icaltz`), which events a feed holds (`feeds`), the fingerprint ETag and stored
bodies (`feedcache`), and personal feed tokens (`feedtokens`).

May import: core, mail, accounts, events, registration."""
