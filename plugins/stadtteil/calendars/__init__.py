"""Calendars: when offers take place, and the calendars residents and partners subscribe to.

- ``schedule``: dates from rules, cancellations and closures, and the schedule in words;
- ``feeds``: the iCalendar files (RFC 5545, RFC 7986), one per language and category, and one per date;
- ``revisions``: the committed record of when each VEVENT last changed (SEQUENCE, DTSTAMP);
- ``atom``: the Atom feed of each language, coming events and cancellations;
- ``colors``: the colour of each category's calendar (RFC 7986 COLOR);
- ``discovery``: which feeds a page names in its head.

Engine-agnostic, like the rest of the core.
"""
