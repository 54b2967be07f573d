"""The yearly report (§ 11 of the cooperation agreement): what the repository knows about one year.

Plain Python, no site engine. ``make.write_report`` loads the data as a build does, counts from the
same schedule computation the pages and calendars use (``schedule.sessions``), reads the Git history of
the data files, the optional attendance file, and writes one HTML page for A4 and the same tables as
CSV and JSON. Every number the page shows comes from a ``tables.Table``, so the three never differ.
"""
