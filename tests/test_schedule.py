"""The schedule engine: dates from rules, cancellations, summer time, and the schedule in words."""

import datetime as dt

import pytest

from stadtteil.models import Office, Offer, ScheduleRule
from stadtteil.calendars.schedule import Calendar, describe, rule_dates, sessions, time_span

D = dt.date


def rule(**fields) -> ScheduleRule:
    base = {"start": "15:00", "end": "17:00", "from": "2026-01-01"}
    return ScheduleRule.model_validate({**base, **fields})


def office(**fields) -> Office:
    base = {"name": "Büro", "carrier": "Verein", "address": {"city": "Bottrop"}}
    return Office.model_validate({**base, **fields})


@pytest.mark.parametrize("fields, text", [
    ({"weekly": ["do"]}, "jeden Donnerstag, 15–17 Uhr"),
    ({"weekly": ["mi", "mo"], "start": "9:30", "end": "11:30"}, "jeden Montag und Mittwoch, 9:30–11:30 Uhr"),
    ({"weekly": ["mo", "mi", "fr"]}, "jeden Montag, Mittwoch und Freitag, 15–17 Uhr"),
    ({"weekly": ["di"], "every": "2 weeks"}, "jeden zweiten Dienstag, 15–17 Uhr"),
    ({"weekly": ["di"], "every": 6}, "alle 6 Wochen am Dienstag, 15–17 Uhr"),
    ({"monthly": "first mo"}, "jeden ersten Montag im Monat, 15–17 Uhr"),
    ({"monthly": ["first mo", "third mo"]}, "jeden ersten und dritten Montag im Monat, 15–17 Uhr"),
    ({"monthly": "letzter fr", "start": "16:00", "end": "18:30"}, "jeden letzten Freitag im Monat, 16:00–18:30 Uhr"),
    ({"weekly": ["mo"], "school_holidays": "pause"}, "jeden Montag, 15–17 Uhr (nicht in den Schulferien)"),
])
def test_schedule_in_words(fields, text):
    assert describe(rule(**fields)) == text


def test_time_span_drops_zero_minutes_only_when_both_are_full_hours():
    assert time_span(dt.time(15), dt.time(17)) == "15–17 Uhr"
    assert time_span(dt.time(15), dt.time(17, 30)) == "15:00–17:30 Uhr"


def test_weekly_dates_respect_from_and_until():
    dates = list(rule_dates(rule(weekly=["do"], **{"from": "2026-01-08", "until": "2026-01-29"}),
                            D(2026, 1, 1), D(2026, 12, 31)))
    assert dates == [D(2026, 1, 8), D(2026, 1, 15), D(2026, 1, 22), D(2026, 1, 29)]


def test_every_second_week_counts_from_the_week_of_from():
    # `from` is a Wednesday; the Tuesday of that same week is before `from`, so the first date is
    # two weeks later. The rhythm must not depend on the window asked for.
    r = rule(weekly=["di"], every=2, **{"from": "2026-01-07"})
    all_dates = list(rule_dates(r, D(2026, 1, 1), D(2026, 3, 1)))
    assert all_dates == [D(2026, 1, 20), D(2026, 2, 3), D(2026, 2, 17)]
    assert list(rule_dates(r, D(2026, 2, 1), D(2026, 3, 1))) == [D(2026, 2, 3), D(2026, 2, 17)]


def test_monthly_first_and_last():
    first = list(rule_dates(rule(monthly="first mo"), D(2026, 1, 1), D(2026, 3, 31)))
    assert first == [D(2026, 1, 5), D(2026, 2, 2), D(2026, 3, 2)]
    last = list(rule_dates(rule(monthly="last fr"), D(2026, 1, 1), D(2026, 3, 31)))
    assert last == [D(2026, 1, 30), D(2026, 2, 27), D(2026, 3, 27)]


def test_fifth_weekday_is_skipped_in_months_without_one():
    # There is no "fourth" problem, but "fourth" must exist in every month while "last" may be the 5th.
    fourth = list(rule_dates(rule(monthly="fourth so"), D(2026, 3, 1), D(2026, 3, 31)))
    last = list(rule_dates(rule(monthly="last so"), D(2026, 3, 1), D(2026, 3, 31)))
    assert fourth == [D(2026, 3, 22)] and last == [D(2026, 3, 29)]


def test_cancellations_from_except_closures_and_public_holidays():
    the_office = office(closures=[{"from": "2026-12-23", "until": "2027-01-02", "reason": "Weihnachtspause"},
                                  {"public_holidays": "NW"}])
    offer = Offer.model_validate({"title": "Nähtreff", "category": "begegnung", "schedule": [
        {"weekly": ["do"], "start": "15:00", "end": "17:00", "from": "2026-01-01", "except": ["2026-12-03"]}]})
    found = {s.day: s for s in sessions("naehtreff", offer, Calendar(the_office), D(2026, 11, 1), D(2027, 1, 10))}
    assert not found[D(2026, 11, 26)].cancelled
    assert found[D(2026, 12, 3)].cancelled and found[D(2026, 12, 3)].reason is None
    assert found[D(2026, 12, 24)].reason == {"de": "Weihnachtspause"}
    assert found[D(2026, 12, 31)].cancelled
    # Fronleichnam 2026 (4 June) is a public holiday in North Rhine-Westphalia, and a Thursday.
    june = {s.day: s for s in sessions("naehtreff", offer, Calendar(the_office), D(2026, 6, 1), D(2026, 6, 30))}
    assert june[D(2026, 6, 4)].cancelled and "Fronleichnam" in june[D(2026, 6, 4)].reason["de"]
    assert not june[D(2026, 6, 11)].cancelled


def test_wall_clock_time_stays_across_summer_time_change():
    offer = Offer.model_validate({"title": "X", "category": "c", "schedule": [
        {"weekly": ["do"], "start": "15:00", "end": "17:00", "from": "2026-10-01"}]})
    found = sessions("x", offer, Calendar(office()), D(2026, 10, 20), D(2026, 10, 31))
    assert [s.start.isoformat() for s in found] == ["2026-10-22T15:00:00+02:00", "2026-10-29T15:00:00+01:00"]
