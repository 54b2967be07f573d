"""The text of the calendar files (RFC 5545, RFC 7986), written directly.

The feeds use a small, fixed set of properties. Building icalendar objects for them and serialising
those was the feeds' whole cost: about 11 s of CPU at 10× (1.1 million parameter objects, a loop per
character to fold each line). Here each property is one formatted line. The bytes are those
icalendar 7 writes for the same values: its property order, TEXT escaping, date formats and line
folding, so the revision record's digests (revisions.py) and every subscriber's copy stay as they
were. tests/test_ics.py compares both for random texts and parses the result back with icalendar;
the feed tests parse every file with icalendar and with ical.js (Thunderbird's parser).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

FOLD_LIMIT = 75          # octets a line may have before it is folded (RFC 5545 3.1)


def text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11), escaped in icalendar's order (a typed „\\N“ is a line break
    there, as a reader of the file would take it anyway)."""
    return (value.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def one_line(value: str) -> str:
    """A value written as it is (the calendar's NAME, X-WR-CALNAME and X-WR-CALDESC, as icalendar writes
    them and as clients read them: ical.js shows them unescaped). A line break would end the line, so
    it becomes a space: a summary written over two lines in YAML names the calendar on one."""
    return " ".join(value.splitlines()) if ("\n" in value or "\r" in value) else value


def fold(line: str) -> str:
    """Folds a content line: cut every 74 octets, at the start of a UTF-8 character, and one octet
    earlier where the cut would separate an escape (``\\`` or ``^``) from what it escapes, as
    icalendar does for clients that read such a fold wrongly (its issue 1501)."""
    if len(line) * 4 < FOLD_LIMIT:
        return line
    data = line.encode("utf-8")
    size = len(data)
    if size < FOLD_LIMIT:
        return line
    step = FOLD_LIMIT - 1
    parts = []
    start = 0
    while size - start > step:
        end = start + step
        while data[end] & 0xC0 == 0x80:     # inside a character: back to where it starts
            end -= 1
        if data[end - 1] in b"\\^":         # (a line of 74 octets has more than one character)
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")


def line(name: str, value: str, params: str = "") -> str:
    """One content line with its line break; ``params`` already written (``;TZID=…``)."""
    return fold(f"{name}{params}:{value}") + "\r\n"


def utc(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _zone(value: dt.datetime) -> str:
    """The TZID of a local time: the IANA name of its zone (``zoneinfo``)."""
    key = getattr(value.tzinfo, "key", None)
    if not key:
        raise ValueError(f"{value!r}: a calendar time needs a zone with an IANA name (zoneinfo)")
    return key


def local(name: str, value: dt.datetime) -> str:
    """A DATE-TIME with its zone: ``DTSTART;TZID=Europe/Berlin:20261124T100000``."""
    return line(name, value.strftime("%Y%m%dT%H%M%S"), f";TZID={_zone(value)}")


def local_list(name: str, values: list[dt.datetime]) -> str:
    """Several DATE-TIMEs of one zone on one line (EXDATE), with the first one's TZID as icalendar
    writes it."""
    return line(name, ",".join(v.strftime("%Y%m%dT%H%M%S") for v in values), f";TZID={_zone(values[0])}")


def duration(value: dt.timedelta) -> str:
    """A DURATION of whole hours (the feeds' refresh interval): ``PT12H``."""
    hours, rest = divmod(int(value.total_seconds()), 3600)
    if rest or hours <= 0:
        raise ValueError(f"{value!r}: only whole hours are written here")
    return f"PT{hours}H"


@dataclass(frozen=True)
class Recurrence:
    """An RRULE (RFC 5545 3.3.10) of the kinds the schedules have: weekly on some days, or monthly on
    numbered weekdays (``1MO``, ``-1FR``)."""
    freq: str                               # WEEKLY | MONTHLY
    byday: tuple[str, ...]
    interval: int = 1
    until: dt.datetime | None = None        # UTC, as RFC 5545 asks when DTSTART has a TZID
    wkst: str = ""

    def value(self) -> str:
        parts = [f"FREQ={self.freq}"]
        if self.until is not None:
            parts.append("UNTIL=" + utc(self.until))
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        parts.append("BYDAY=" + ",".join(self.byday))
        if self.wkst:
            parts.append(f"WKST={self.wkst}")
        return ";".join(parts)


@dataclass
class VEvent:
    """One VEVENT of the feeds, with the values the pages and the Atom feed read back from it."""
    uid: str
    summary: str
    start: dt.datetime
    end: dt.datetime
    url: str
    description: str
    status: str                                   # CONFIRMED | CANCELLED | TENTATIVE
    location: str = ""
    categories: tuple[str, ...] = ()
    transp: str = ""                              # OPAQUE | TRANSPARENT, or none
    rrule: Recurrence | None = None
    exdates: tuple[dt.datetime, ...] = ()
    stamp: dt.datetime | None = None              # DTSTAMP, UTC
    sequence: int | None = None
    ical: bytes = field(default=b"", repr=False)  # the written VEVENT, once it has its stamp

    def content(self, stamp_first: bool = True) -> bytes:
        """The VEVENT in icalendar's property order: SUMMARY, DTSTART, DTEND, DTSTAMP, UID, SEQUENCE,
        RRULE, EXDATE, then the rest by name. ``stamp_first`` puts DTSTAMP and SEQUENCE right after
        BEGIN instead: the content without them is what the revision record's digest is taken of, and
        the files keep that text whole below the two lines."""
        stamped = self.stamp is not None and self.sequence is not None
        out = ["BEGIN:VEVENT\r\n"]
        if stamped and stamp_first:
            out += [line("DTSTAMP", utc(self.stamp)), line("SEQUENCE", str(self.sequence))]
        out += [line("SUMMARY", text(self.summary)), local("DTSTART", self.start), local("DTEND", self.end)]
        if stamped and not stamp_first:
            out.append(line("DTSTAMP", utc(self.stamp)))
        out.append(line("UID", text(self.uid)))
        if stamped and not stamp_first:
            out.append(line("SEQUENCE", str(self.sequence)))
        if self.rrule is not None:
            out.append(line("RRULE", self.rrule.value()))
        if self.exdates:
            out.append(local_list("EXDATE", list(self.exdates)))
        if self.categories:
            out.append(line("CATEGORIES", ",".join(text(c) for c in self.categories)))
        out.append(line("DESCRIPTION", text(self.description)))
        if self.location:
            out.append(line("LOCATION", text(self.location)))
        out.append(line("STATUS", text(self.status)))
        if self.transp:
            out.append(line("TRANSP", text(self.transp)))
        out += [line("URL", self.url), "END:VEVENT\r\n"]
        return "".join(out).encode("utf-8")


def calendar_head(*, prodid: str, name: str, description: str, url: str, refresh: dt.timedelta,
                  timezone: str, color: str | None = None) -> bytes:
    """The VCALENDAR's own properties, in icalendar's order (its canonical ones, then by name)."""
    out = ["BEGIN:VCALENDAR\r\n", line("VERSION", "2.0"), line("PRODID", text(prodid)),
           line("CALSCALE", "GREGORIAN"), line("METHOD", "PUBLISH"), line("DESCRIPTION", text(description)),
           line("X-WR-CALDESC", one_line(description)), line("NAME", one_line(name)),
           line("X-WR-CALNAME", one_line(name))]
    if color:
        out.append(line("COLOR", one_line(color)))
    out += [line("REFRESH-INTERVAL", duration(refresh), ";VALUE=DURATION"), line("SOURCE", url, ";VALUE=URI"),
            line("URL", url), line("X-PUBLISHED-TTL", duration(refresh)), line("X-WR-TIMEZONE", one_line(timezone))]
    return "".join(out).encode("utf-8")
