"""The calendar files' text (calendars/ics.py) against icalendar: the same bytes as icalendar writes for
the same values, and the values read back by icalendar's parser. Written by hand instead of through
icalendar objects because that was the feeds' whole cost (11 s of CPU at 10×)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar as ICalendar
from icalendar import Event as IEvent
from icalendar import vDuration

from stadtteil.calendars.ics import FOLD_LIMIT, Recurrence, VEvent, calendar_head, fold

BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.timezone.utc

# Characters of 1 to 4 bytes, what TEXT escapes (\ ; , line breaks, and „\N“ made of two), and ^,
# which icalendar keeps off a fold's edge like \.
_CHARS = st.sampled_from(list("aZ09 :\"=^-/") + ["\\", ";", ",", "\n", "\r", "\r\n", "\\N", "ä", "€", "ا", "𝄞"])
TEXTS = st.lists(_CHARS, max_size=120).map("".join)
ONE_LINE = st.lists(_CHARS.filter(lambda c: "\n" not in c and "\r" not in c), max_size=120).map("".join)
TIMES = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2030, 12, 31)).map(
    lambda d: d.replace(microsecond=0, tzinfo=BERLIN))
STAMPS = st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2030, 12, 31)).map(
    lambda d: d.replace(microsecond=0, tzinfo=UTC))
DAYS = st.lists(st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]), min_size=1, max_size=3, unique=True)


@st.composite
def events(draw):
    rrule = None
    if draw(st.booleans()):
        weekly = draw(st.booleans())
        days = tuple(draw(DAYS)) if weekly else tuple(f"{draw(st.sampled_from([1, 2, 3, 4, -1]))}{d}"
                                                       for d in draw(DAYS))
        rrule = Recurrence("WEEKLY" if weekly else "MONTHLY", days,
                           interval=draw(st.integers(1, 4)) if weekly else 1,
                           until=draw(st.one_of(st.none(), STAMPS)), wkst="MO" if weekly else "")
    start = draw(TIMES)
    return VEvent(uid=draw(ONE_LINE) or "x@example.org", summary=draw(TEXTS), start=start,
                  end=start + dt.timedelta(minutes=draw(st.integers(15, 600))),
                  url="https://example.org/" + draw(st.text("abc-/é", max_size=90)),
                  description=draw(TEXTS), status=draw(st.sampled_from(["CONFIRMED", "CANCELLED", "TENTATIVE"])),
                  location=draw(TEXTS), categories=tuple(draw(st.lists(TEXTS.filter(bool), max_size=3))),
                  transp=draw(st.sampled_from(["", "OPAQUE", "TRANSPARENT"])), rrule=rrule,
                  exdates=tuple(draw(st.lists(TIMES, max_size=12))),
                  stamp=draw(STAMPS), sequence=draw(st.integers(0, 2**31 - 1)))


def as_icalendar(event: VEvent) -> IEvent:
    """The same VEVENT built with icalendar, as feeds.py built it before."""
    component = IEvent()
    component.add("uid", event.uid)
    component.add("summary", event.summary)
    if event.location:
        component.add("location", event.location)
    component.add("url", event.url)
    component.add("description", event.description)
    if event.categories:
        component.add("categories", list(event.categories))
    component.add("dtstart", event.start)
    component.add("dtend", event.end)
    if event.rrule:
        recur = {"FREQ": event.rrule.freq, "BYDAY": list(event.rrule.byday)}
        if event.rrule.wkst:
            recur["WKST"] = event.rrule.wkst
        if event.rrule.interval != 1:
            recur["INTERVAL"] = event.rrule.interval
        if event.rrule.until:
            recur["UNTIL"] = event.rrule.until
        component.add("rrule", recur)
    if event.exdates:
        component.add("exdate", list(event.exdates))
    component.add("status", event.status)
    if event.transp:
        component.add("transp", event.transp)
    component.add("dtstamp", event.stamp)
    component.add("sequence", event.sequence)
    return component


@settings(max_examples=300, deadline=None)
@given(events())
def test_events_are_written_as_icalendar_writes_them(event):
    assert event.content(stamp_first=False) == as_icalendar(event).to_ical()


def _read_as_written(value: str) -> str:
    return value.replace("\\N", "\n").replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=300, deadline=None)
@given(events())
def test_written_events_read_back(event):
    """What a client reads is what went in (line breaks read as \\n), whichever order DTSTAMP is in."""
    for stamp_first in (True, False):
        raw = event.content(stamp_first)
        for physical in raw.split(b"\r\n"):
            assert len(physical) <= FOLD_LIMIT, physical
        read = IEvent.from_ical(raw)
        assert str(read["summary"]) == _read_as_written(event.summary)
        assert str(read["description"]) == _read_as_written(event.description)
        assert str(read.get("location", "")) == _read_as_written(event.location)
        assert str(read["uid"]) == _read_as_written(event.uid)
        assert str(read["url"]) == event.url
        assert read["dtstart"].dt == event.start and read["dtend"].dt == event.end
        assert read["dtstamp"].dt == event.stamp and int(read["sequence"]) == event.sequence
        assert str(read["status"]) == event.status
        if event.categories:
            assert [str(c) for c in read["categories"].cats] == [_read_as_written(c) for c in event.categories]
        if event.exdates:
            assert [d.dt for d in read["exdate"].dts] == list(event.exdates)
        if event.rrule:
            assert read["rrule"].to_ical().decode() == event.rrule.value()


@settings(max_examples=200, deadline=None)
@given(name=ONE_LINE, description=TEXTS, color=st.sampled_from([None, "darkorange", "teal"]))
def test_calendar_properties_as_icalendar_writes_them(name, description, color):
    refresh = dt.timedelta(hours=12)
    url = "https://example.org/kalender/alle.ics"
    cal = ICalendar()
    for key, value in (("prodid", "-//stadtteil//Test//DE"), ("version", "2.0"), ("calscale", "GREGORIAN"),
                       ("method", "PUBLISH"), ("name", name), ("x-wr-calname", name), ("description", description),
                       ("x-wr-caldesc", " ".join(description.splitlines()))):
        cal.add(key, value)
    cal.add("x-wr-timezone", "Europe/Berlin")
    cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(refresh))
    cal.add("url", url)
    cal.add("source", url, parameters={"VALUE": "URI"})
    if color:
        cal.add("color", color)
    ours = calendar_head(prodid="-//stadtteil//Test//DE", name=name, description=description, url=url,
                         refresh=refresh, timezone="Europe/Berlin", color=color)
    assert ours + b"END:VCALENDAR\r\n" == cal.to_ical()


def test_a_name_over_two_lines_stays_one_line():
    """A summary written over two lines in YAML names a calendar (X-WR-CALDESC) on one line; icalendar
    stopped the build here with an AssertionError."""
    head = calendar_head(prodid="x", name="Nähtreff\nmit Kaffee", description="Erste Zeile,\r\nzweite",
                         url="https://example.org/", refresh=dt.timedelta(hours=12), timezone="Europe/Berlin")
    read = ICalendar.from_ical(head + b"END:VCALENDAR\r\n")
    assert str(read["x-wr-calname"]) == "Nähtreff mit Kaffee" and str(read["name"]) == "Nähtreff mit Kaffee"
    assert str(read["x-wr-caldesc"]) == "Erste Zeile, zweite"
    assert str(read["description"]) == "Erste Zeile,\nzweite"


@settings(max_examples=400, deadline=None)
@given(ONE_LINE)
def test_folded_lines_unfold_to_the_line(line):
    """RFC 5545 3.1: at most 75 octets a line, cut between characters, unfolded by removing CRLF SPACE;
    a cut that would fall right after a \\ or ^ falls before it (icalendar's rule for clients that
    mis-read an escape split over two lines)."""
    for text in (line, "DESCRIPTION:" + line * 3):
        folded = fold(text)
        parts = folded.split("\r\n ")
        assert "".join(parts) == text
        assert all(len(p.encode("utf-8")) <= FOLD_LIMIT - 1 for p in parts)
        for part, after in zip(parts, parts[1:]):
            # Each line is as long as it can be, or one character shorter where that character is an
            # escaping \ or ^: it then starts the next line.
            fits = len((part + after[0]).encode("utf-8")) <= FOLD_LIMIT - 1
            assert not fits or (after[0] in "\\^" and len((part + after[:2]).encode("utf-8")) > FOLD_LIMIT - 1), parts


def test_lines_at_the_limit_are_folded():
    for size in range(70, 80):
        assert ("\r\n " in fold("X" * size)) == (size >= FOLD_LIMIT)
    two_byte = "ä" * 37 + "a"          # 75 bytes in 38 characters: folded, between two characters
    assert fold(two_byte) == "ä" * 37 + "\r\n a"
    assert fold("a" * 73 + "\\" + "n" + "b") == "a" * 73 + "\r\n \\nb"   # the escape stays whole
