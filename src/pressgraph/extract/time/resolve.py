"""Resolve one temporal expression against an anchor date (the publication date).

Own rules first: dateparser gives a single datetime, but a news reader needs the TIMEX3 value
at the right granularity ("last month" is "2019-09", not 2019-09-23) and a range ("earlier this
month" is 2019-10-01..2019-10-22), which no library gives.  dateparser is the fallback for
absolute dates in formats the rules do not know.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pressgraph.extract.quantities.numbers import UNITS, digit_value, words_value

MONTHS: dict[str, int] = {}
for _i, _name in enumerate(calendar.month_name):
    if _i:
        MONTHS[_name.lower()] = _i
        MONTHS[_name.lower()[:3]] = _i
MONTHS.update({"sept": 9, "sep": 9})
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
WEEKDAYS.update({name.lower(): i for i, name in enumerate(calendar.day_abbr)})
WEEKDAYS.update({"tues": 1, "weds": 2, "thur": 3, "thurs": 3})
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
SEASON_LAST_MONTH = {"SP": 5, "SU": 8, "FA": 11, "WI": 2}
HOLIDAY_PREPOSITIONS = frozenset(("on", "at", "since", "by", "until", "before", "after", "over",
                                  "for", "till"))
PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI"}
UNIT_CODE = {
    "second": ("S", True), "minute": ("M", True), "hour": ("H", True), "day": ("D", False),
    "week": ("W", False), "weekend": ("WE", False), "month": ("M", False),
    "year": ("Y", False), "decade": ("DE", False), "century": ("CE", False),
    "fortnight": ("W", False),
}
# half of one unit in the next smaller one
HALF_UNIT = {("Y", False): "6M", ("M", False): "15D", ("W", False): "3DT12H",
             ("D", False): "T12H", ("H", True): "30M", ("M", True): "30S"}
ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3,
       "4th": 4, "final": 4, "last": 4}

MONTH_RE = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
WEEKDAY_RE = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|" \
    r"thu|thur|thurs|fri|sat|sun)\.?"
PART_RE = r"(?:\s+(morning|afternoon|evening|night))?"
NUMWORD_RE = r"(\d+(?: 1/2|½)?(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|" \
    r"ten|eleven|" \
    r"twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|" \
    r"forty|fifty|sixty|seventy|eighty|ninety|several|a few|few|many|some|a couple of|" \
    r"couple of|[a-z]+-[a-z]+|\w+ and a half)"
UNIT_RE = r"(second|minute|hour|day|week|month|year|decade|century|centurie|fortnight)s?"


# "10 hours a day", "$20 million a day": what comes before "a day" makes it a rate
RATE_WORDS = frozenset(("hours", "times", "million", "billion", "dollars", "euros", "pounds",
                        "shillings", "percent", "days", "minutes", "meals", "trips", "flights",
                        "twice", "once"))


@dataclass(frozen=True, slots=True)
class Resolution:
    type: str = "DATE"
    value: str | None = None
    range_start: date | None = None
    range_end: date | None = None
    granularity: str | None = None
    resolved: bool = False


def month_range(y: int, m: int) -> tuple[date, date]:
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def _day(d: date) -> Resolution:
    return Resolution("DATE", d.isoformat(), d, d, "day", True)


def _month(y: int, m: int) -> Resolution:
    a, b = month_range(y, m)
    return Resolution("DATE", f"{y:04d}-{m:02d}", a, b, "month", True)


def _year(y: int) -> Resolution:
    return Resolution("DATE", f"{y:04d}", date(y, 1, 1), date(y, 12, 31), "year", True)


def _week(d: date) -> Resolution:
    iso = d.isocalendar()
    monday = d - timedelta(days=d.weekday())
    return Resolution("DATE", f"{iso[0]:04d}-W{iso[1]:02d}", monday, monday + timedelta(days=6),
                      "week", True)


def _quarter(y: int, q: int) -> Resolution:
    a = date(y, 3 * q - 2, 1)
    b = month_range(y, 3 * q)[1]
    return Resolution("DATE", f"{y:04d}-Q{q}", a, b, "quarter", True)


def _season(y: int, code: str) -> Resolution:
    start_m = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[code]
    a = date(y, start_m, 1)
    end_y, end_m = (y + 1, 2) if code == "WI" else (y, start_m + 2)
    return Resolution("DATE", f"{y:04d}-{code}", a, month_range(end_y, end_m)[1], "season", True)


def _shift_month(y: int, m: int, k: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + k
    return idx // 12, idx % 12 + 1


def _num(text: str) -> float | None:
    text = text.strip().lower()
    if text in ("a", "an", "one"):
        return 1
    m = re.fullmatch(r"(\d+) 1/2|(\d+)½", text)
    if m:
        return int(m.group(1) or m.group(2)) + 0.5
    if text.endswith(" and a half"):
        base = _num(text[: -len(" and a half")])
        return base + 0.5 if base is not None else None
    if text in ("several", "a few", "few", "many", "some", "a couple of", "couple of"):
        return None
    dv = digit_value(text)
    if dv is not None:
        return dv
    return words_value(re.split(r"[\s-]+", text)) if all(
        w in UNITS or w in ("hundred", "and") for w in re.split(r"[\s-]+", text)
    ) else None


def _duration(n: float | None, unit: str) -> str:
    code, is_time = UNIT_CODE[unit]
    if unit == "fortnight" and n is not None:
        n = n * 2
    if code in ("DE", "CE"):
        # MEANTIME and most TIMEX3 corpora write a decade as ten years
        code, n = "Y", (None if n is None else n * (10 if code == "DE" else 100))
    if n is not None and not float(n).is_integer() and float(2 * n).is_integer() and (
        (code, is_time) in HALF_UNIT
    ):
        # "2 1/2 years" is P2Y6M, "5 1/2 hours" PT5H30M: TimeML writes no decimals
        return ("PT" if is_time else "P") + f"{int(n)}{code}{HALF_UNIT[(code, is_time)]}"
    amount = "X" if n is None else (str(int(n)) if float(n).is_integer() else str(n))
    return ("PT" if is_time else "P") + amount + code


FUTURE_GAP_WEIGHT = 2
NEAR_DAY_SPAN = 31


def _infer_year(anchor: date, month: int, day: int | None, future: bool | None) -> int:
    """Year of a month (and day) written without one.  With a tense (``future`` True/False)
    the nearest such date on that side of publication; with none the nearest date, a date
    ahead counting twice as far (news reports the past: "gains since the March low" said in
    October is last March, "the meeting is on Nov. 3" said in October is this November)."""
    y = anchor.year
    this = (month, day or 1)
    now = (anchor.month, anchor.day if day else 1)
    if day is not None and future is not None:
        # a day within a month of publication is that one whatever the tense: "gave no reason
        # for the Jan. 14 deadline" on Jan. 5, "repatriate the child by Jan. 14" on Jan. 15
        try:
            if abs((date(y, month, day) - anchor).days) <= NEAR_DAY_SPAN:
                return y
        except ValueError:
            pass
    if future:
        return y if this >= now else y + 1
    if future is False:
        if day is None and month == anchor.month % 12 + 1:
            # "cut its oil supply in September" said in August: a report of what was
            # announced for the coming month, not of a September eleven months back
            return y if month > anchor.month else y + 1
        return y if this <= now else y - 1
    best = y
    best_gap = None
    for cand in (y - 1, y, y + 1):
        try:
            gap = (date(cand, month, min(day or 15, 28)) - anchor).days
        except ValueError:
            continue
        # news mostly reports what has happened: a date ahead must be twice as near to win
        gap = gap * FUTURE_GAP_WEIGHT if gap > 0 else -gap
        if best_gap is None or gap < best_gap:
            best, best_gap = cand, gap
    return best


def _unresolved(type_: str = "DATE", value: str | None = None, gran: str | None = None
                ) -> Resolution:
    return Resolution(type_, value, None, None, gran, False)


# A pure function of its arguments (the result is frozen), called for every candidate of
# every article with the same few anchors: "Tuesday", "last week", "2016" recur across a
# day's stories, and each dateparser call costs milliseconds.
@functools.lru_cache(maxsize=8192)
def resolve(text: str, anchor: date | None, *, future: bool | None = None,
            preceded_by: str = "") -> Resolution | None:
    """TIMEX3-style resolution of ``text``; None when it is not a temporal expression."""
    t = text.lower().strip()
    t = re.sub(r"[’`]", "'", t)
    t = re.sub(r"\s+", " ", t)
    t = re.sub(r"^(?:on|in|at|by|during|until|till|from|of|around|about|since|between) ", "",
               t)
    t = re.sub(r"'s$", "", t).strip(" ,.;:")
    t = re.sub(r"^(?:sometime|some time) (?=(?:next|this|last|later|early|in) )", "", t)
    core = re.sub(r"^the ", "", t)
    prev = preceded_by.lower()
    m = re.fullmatch(MONTH_RE + r",? (this|last|next) year", core)
    if m and anchor is not None:
        # "June last year", "April next year"
        return _month(anchor.year + {"last": -1, "next": 1}.get(m.group(2), 0),
                      MONTHS[m.group(1).rstrip(".")])
    m = re.match(r"(?:earlier|later) (?=(?:today|yesterday|tomorrow|tonight|" + WEEKDAY_RE
                 + r")\b)", core)
    if m:
        # "Earlier Friday, lawyers filed ...": that day
        return resolve(core[m.end():], anchor, future=future, preceded_by=preceded_by)
    m = re.match(r"(?:late|early) (?:on |in )?(?=\w)", core)
    if m and core[m.end():] and not re.fullmatch(MONTH_RE + r"(?: \d{4})?", core[m.end():]):
        # "late on Tuesday", "early today": the day itself, at the same granularity
        inner = resolve(core[m.end():], anchor, future=future, preceded_by=preceded_by)
        if inner is not None:
            return inner

    # references to present, past and future
    if core in ("now", "currently", "current", "present", "the present", "ongoing",
                "at present", "right now", "these days", "nowadays", "today's"):
        return Resolution("DATE", "PRESENT_REF", None, anchor, None, True)
    if re.fullmatch(r"(?:in )?recent (?:days|weeks|months|years|decades)", core):
        return Resolution("DATE", "PAST_REF", None, anchor, None, True)  # TimeML's reading
    if core in ("recently", "recent", "past", "more recently", "lately", "previously",
                "formerly", "once", "earlier", "in the past", "history", "recent history"):
        return Resolution("DATE", "PAST_REF", None, anchor, None, True)
    if core in ("future", "soon", "very soon", "later", "long term", "long-term",
                "short term", "short-term", "the coming years", "coming years",
                "in the future", "near future", "the near future", "eventually"):
        return Resolution("DATE", "FUTURE_REF", anchor, None, None, True)

    # sets: "every Monday" (weekly, as the gold sets write it)
    if re.fullmatch(r"(?:every|each) " + WEEKDAY_RE + PART_RE, core):
        return Resolution("SET", "P1W", None, None, "week", True)
    m = re.fullmatch(r"(?:every|each|per|a|an) (day|week|month|year|night|morning|quarter)", core)
    if m and (core.split()[0] in ("every", "each", "per") or prev in ("$", "%") or prev[:1]
              .isdigit() or prev in RATE_WORDS):
        unit = {"night": "day", "morning": "day", "quarter": "month"}.get(m.group(1), m.group(1))
        n = 3 if m.group(1) == "quarter" else 1
        return Resolution("SET", _duration(n, unit), None, None, unit, True)
    sets = {"year on year": "P1Y", "year-on-year": "P1Y", "daily": "P1D", "weekly": "P1W",
            "monthly": "P1M", "annually": "P1Y",
            "annual": "P1Y", "yearly": "P1Y", "nightly": "P1D", "quarterly": "P3M",
            "hourly": "PT1H", "biannual": "P6M", "biennial": "P2Y"}
    if core in sets:
        return Resolution("SET", sets[core], None, None, None, True)

    # "the weeks ahead", "a few days later", "months ago": a stretch of vague length
    m = re.fullmatch(r"(?:(?:just|only|a few|several) )*(day|week|month|year)s "
                     r"(?:ahead|later|earlier|ago)", core)
    if m and not (core.endswith("ago") and re.match(r"(?:a few|several)", core)):
        return Resolution("DURATION", _duration(None, m.group(1)), None, None, m.group(1), True)
    # durations: "three days", "the past two weeks", "12-year", "several years", "decades"
    m = re.fullmatch(
        r"(?:(?:for|over|within|after|under|nearly|almost|about|around|more than|less than|"
        r"up to|at least|some|roughly|just|only|another|the) )*"
        r"(?:(?:past|last|next|previous|coming|first|following|final|first|remaining) )?"
        + NUMWORD_RE + r"[ -](?:(?:straight|consecutive|trading|business|working|full|"
        r"calendar|successive|more|additional|further|long) )?" + UNIT_RE
        + r"(?:[ -](?:long|old|period|history|run|term|"
        r"high|low|record|time|span|plan|deal|contract|programme|program))?",
        core,
    )
    if m and not core.endswith((" ago", " later", " earlier")):
        amount = _num(m.group(1))
        unit = "century" if m.group(2) == "centurie" else m.group(2)
        return Resolution("DURATION", _duration(amount, unit), None, None, unit, True)
    m = re.fullmatch(r"(?:the )?" + NUMWORD_RE + " " + UNIT_RE + r" (?:to|through|ending|"
                     r"ended|until) .+", core)
    if m:
        unit = "century" if m.group(2) == "centurie" else m.group(2)
        return Resolution("DURATION", _duration(_num(m.group(1)), unit), None, None, unit, True)
    m = re.fullmatch(r"(?:(?:the|over|for|in|recent|past|last|next|coming|many|several|just|"
                     r"only|a few|few) )*"
                     r"(seconds|minutes|hours|days|weeks|months|years|decades|centuries)"
                     r"(?:-long| long)?", core)
    if m:
        unit = {"centuries": "century"}.get(m.group(1), m.group(1)[:-1])
        return Resolution("DURATION", _duration(None, unit), None, None, unit, True)
    m = re.fullmatch(r"(?:the )?(?:past|next|coming|following) "
                     r"(day|week|month|year|decade|century|fortnight)", core)
    if m and (t.startswith("the ") or core.startswith(("past ", "coming ", "following "))):
        return Resolution("DURATION", _duration(1, m.group(1)), None, None, m.group(1), True)

    m = re.fullmatch(r"(?:from |between )?((?:19|20)\d\d) ?(?:to|and|-|–|until|through) ?"
                     r"((?:19|20)\d\d)", core)
    if m and int(m.group(2)) > int(m.group(1)):
        return Resolution("DURATION", f"P{int(m.group(2)) - int(m.group(1))}Y",
                          date(int(m.group(1)), 1, 1), date(int(m.group(2)), 12, 31), "year",
                          True)
    # "the beginning of the year", "the end of last month": the unit's value
    m = re.fullmatch(r"(?:the )?(?:very )?(?:middle|rest|remainder|"
                     r"turn|course) of (?:the |this |last |next |the previous |the current )?"
                     r"(year|month|week|quarter|decade)", core)
    if m and anchor is not None:
        rel = "last" if " last " in f" {core} " or "previous" in core else (
            "next" if " next " in f" {core} " else "this")
        return resolve(f"{rel} {m.group(1)}", anchor)
    m = re.fullmatch(r"(?:the )?(first|second|third|fourth|1st|2nd|3rd|4th|final) (quarter|half) "
                     r"of (this|last|next) year", core)
    if m and anchor is not None:
        y = anchor.year + {"last": -1, "next": 1}.get(m.group(3), 0)
        return _resolve_absolute(f"{m.group(1)} {m.group(2)} of {y}", anchor, future)

    if anchor is None:
        return _resolve_absolute(core, None, future)

    m = re.fullmatch(r"(last |on )?(?:(thanksgiving|christmas)(?: day)?|"
                     r"(new year's|independence) day)", t)
    if m and (m.group(3) or t.endswith(" day") or m.group(1) or prev in HOLIDAY_PREPOSITIONS):
        # a bare "Christmas" is the day only as a time ("at Christmas", "last Thanksgiving"),
        # not in "Christmas sales"
        return _holiday(m.group(2) or m.group(3), anchor,
                        True if m.group(1) == "last " else (None if future is None else not future))
    if core in ("year end", "year's end") and anchor is not None:
        # "by year's end", "by year end": TimeML writes the year (the day is not said)
        return _year(anchor.year - (1 if future is False else 0))
    if core == "year-end" and anchor is not None:
        # the last day of the year: this one, or the last one in a past clause ("since")
        return _day(date(anchor.year - (1 if future is False else 0), 12, 31))
    if re.fullmatch(r"the (?:(?:current|latest|full|fiscal|calendar|same) )*year", t):
        return _year(anchor.year)  # "for the year", "the current fiscal year": the story's year

    # day words
    days = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1,
            "the day before yesterday": -2, "day before yesterday": -2,
            "the day after tomorrow": 2, "day after tomorrow": 2, "this morning": 0,
            "this afternoon": 0, "this evening": 0, "last night": -1, "earlier today": 0,
            "later today": 0, "overnight": 0, "this week": None, "the day": 0, "day": 0,
            "same day": 0, "the same day": 0}
    if core in ("day", "same day"):
        # "shares fell 3% on the day": in news the day of the report
        return _day(anchor)
    m = re.fullmatch(r"(today|tonight|yesterday|tomorrow|this|last|earlier today|later today)"
                     r"(?: (morning|afternoon|evening|night))?", core)
    if m and (m.group(1) not in ("this", "last") or m.group(2)):
        word, part = m.group(1), m.group(2)
        key = f"{word} {part}" if word in ("this", "last") else word
        d = anchor + timedelta(days=days.get(key, 0) or 0)
        if word == "tonight":
            part = "night"
        if part:
            return Resolution("TIME", f"{d.isoformat()}T{PARTS[part]}", d, d, "day", True)
        return _day(d)

    m = re.fullmatch(r"(?:(?:the|this|last|past|next|coming) )?weekend", core)
    if m:
        word = core.split()[0]
        if word in ("next", "coming") or (future and word != "last"):
            sat = anchor + timedelta(days=(5 - anchor.weekday()) % 7 or 7)
        else:
            sat = anchor - timedelta(days=(anchor.weekday() - 5) % 7)
            if word == "last" and anchor.weekday() >= 5:
                sat -= timedelta(days=7)
        iso = sat.isocalendar()
        return Resolution("DATE", f"{iso[0]:04d}-W{iso[1]:02d}-WE", sat, sat + timedelta(days=1),
                          "weekend", True)
    if core == "overnight":
        d = anchor if future else anchor - timedelta(days=1)
        return Resolution("TIME", f"{d.isoformat()}TNI", d, d + timedelta(days=1), "day", True)
    # the start / end of a month or year: the first day, the last month (as our gold writes)
    m = re.fullmatch(r"(?:the )?(?:very )?(start|beginning|end|close) of (?:the |this |last |"
                     r"next )?(month|year|" + MONTH_RE[1:-4] + r")", core)
    if m:
        which, unit = m.group(1), m.group(2)
        k = -1 if " last " in f" {core} " else (1 if " next " in f" {core} " else 0)
        if unit == "month":
            y, mo = _shift_month(anchor.year, anchor.month, k)
        elif unit == "year":
            y, mo = anchor.year + k, (1 if which in ("start", "beginning") else 12)
        else:
            mo = MONTHS[unit.rstrip(".")]
            y = _infer_year(anchor, mo, None, future)
        if which in ("start", "beginning") and unit != "year":
            return _day(date(y, mo, 1))
        return _month(y, mo)
    # weekdays
    m = re.fullmatch(r"(?:(last|this|next|this past|this coming|past|coming|previous) )?"
                     + WEEKDAY_RE
                     + PART_RE, core)
    if m:
        which, wd, part = m.group(1), WEEKDAYS[m.group(2)], m.group(3)
        diff = (anchor.weekday() - wd) % 7
        if which == "next":
            # "next Thursday": the Thursday of next week
            d = anchor - timedelta(days=anchor.weekday()) + timedelta(days=7 + wd)
        elif which in ("this coming", "coming"):
            d = anchor + timedelta(days=(wd - anchor.weekday()) % 7 or 7)
        elif future and which is None:
            # a report written on a Friday about what happens "on Friday" means that day
            d = anchor + timedelta(days=(wd - anchor.weekday()) % 7)
        else:
            d = anchor - timedelta(days=diff)
            if (which == "last" and diff == 0) or which == "previous":
                # "down 4.5% from the previous Friday": the one before the Friday just reported
                d = anchor - timedelta(days=7 if which == "last" else diff + 7)
        if part:
            return Resolution("TIME", f"{d.isoformat()}T{PARTS[part]}", d, d, "day", True)
        return _day(d)

    # last/this/next week/month/year, earlier/later this ...
    m = re.fullmatch(r"(earlier|later|early|late|the end of|the beginning of|the start of|"
                     r"end of)?"
                     r" ?(?:the )?(last|this|next|previous|past|coming|current|this past) "
                     r"(week|weekend|month|year|quarter|decade|century|summer|winter|spring|"
                     r"autumn|fall)", core)
    if m:
        mod, rel, unit = m.group(1), m.group(2), m.group(3)
        k = {"last": -1, "previous": -1, "past": -1, "this past": -1, "next": 1,
             "coming": 1}.get(rel, 0)
        if mod == "end of":
            mod = "the end of"
        res: Resolution
        if unit in ("week", "weekend"):
            res = _week(anchor + timedelta(days=7 * k))
            if unit == "weekend":
                sat = (res.range_start or anchor) + timedelta(days=5)
                res = Resolution("DATE", f"{res.value}-WE", sat, sat + timedelta(days=1),
                                 "weekend", True)
        elif unit == "month":
            y, mo = _shift_month(anchor.year, anchor.month, k)
            res = _month(y, mo)
        elif unit == "year":
            res = _year(anchor.year + k)
        elif unit == "quarter":
            q = (anchor.month - 1) // 3 + 1 + k
            y = anchor.year + (q - 1) // 4
            res = _quarter(y, (q - 1) % 4 + 1)
        elif unit == "decade":
            dec = anchor.year // 10 + k
            res = Resolution("DATE", f"{dec:03d}", date(dec * 10, 1, 1),
                             date(dec * 10 + 9, 12, 31), "decade", True)
        elif unit == "century":
            c = anchor.year // 100 + k
            res = Resolution("DATE", f"{c:02d}", date(c * 100, 1, 1),
                             date(c * 100 + 99, 12, 31), "century", True)
        else:
            code = SEASONS[unit]
            y = anchor.year + k
            if rel == "this past" and SEASON_LAST_MONTH[code] < anchor.month:
                y = anchor.year  # "this past spring" said in October is this year's
            res = _season(y, code)
        if mod in ("earlier", "early", "the beginning of", "the start of") and k == 0:
            end = anchor - timedelta(days=1)
            if mod in ("early", "the beginning of", "the start of"):
                end = min(end, _early_end(res))
            res = Resolution(res.type, res.value, res.range_start, max(end, res.range_start
                             or end), res.granularity, True)
        elif mod in ("later", "late", "the end of") and k == 0:
            res = Resolution(res.type, res.value, anchor + timedelta(days=1), res.range_end,
                             res.granularity, True)
        return res

    # "two days ago", "a year ago", "three weeks later" (later/earlier: relative to anchor)
    m = re.fullmatch(NUMWORD_RE + r" " + UNIT_RE + r" (ago|earlier|before|from now|hence)", core)
    if m:
        count = _num(m.group(1))
        unit = m.group(2)
        sign = 1 if m.group(3) in ("from now", "hence") else -1
        if count is None or not float(count).is_integer():
            return Resolution("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", None, None,
                              None, True)
        return _offset(anchor, sign * int(count), unit)
    m = re.fullmatch(r"(?:in|within) " + NUMWORD_RE + r" " + UNIT_RE, t)
    later_n = _num(m.group(1)) if m else None
    if m and later_n is not None and float(later_n).is_integer() and t.startswith("in "):
        return _offset(anchor, int(later_n), m.group(2))

    return _resolve_absolute(core, anchor, future)


FISCAL_RE = re.compile(
    r"(?:the |this |that |its |last year's |this year's )?"
    r"(?:(?:latest|current|comparable|same|corresponding|year-earlier|year-ago|fiscal|"
    r"(?P<year>(?:19|20)\d\d)|(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th))[ -])*"
    r"(?P<unit>quarter|period|year-earlier|year-ago)")
YEAR_BACK_RE = re.compile(r"year-earlier|year-ago|last year's|a year (?:ago|earlier)|"
                          r"(?:the )?(?:same|corresponding) (?:quarter|period) (?:a|last) year")


def last_reported_quarter(anchor: date) -> tuple[int, int]:
    """The quarter a company reports on at ``anchor``: the last one that has ended."""
    q = (anchor.month - 1) // 3
    return (anchor.year, q) if q else (anchor.year - 1, 4)


@functools.lru_cache(maxsize=4096)
def resolve_fiscal(text: str, anchor: date | None, reference: tuple[int, int] | None
                   ) -> Resolution | None:
    """Earnings-report periods: "the quarter", "third-quarter", "the year-earlier period",
    "a year ago" after a quarter was named.  ``reference`` is the quarter the story last
    named (TimeML resolves these against it), else the last quarter that has ended."""
    t = re.sub(r"\s+", " ", text.lower().replace("’", "'")).strip(" ,.;:")
    m = FISCAL_RE.fullmatch(t)
    back = bool(YEAR_BACK_RE.search(t))
    if m is None and not (back and reference is not None and re.fullmatch(
            r"(?:the )?(?:same |corresponding )?(?:quarter |period )?(?:a|last) year(?: ago|"
            r" earlier|'s(?: quarter| period)?)?|a year (?:ago|earlier)", t)):
        return None
    if m is not None and m.group("unit") == "period" and not re.search(
            r"latest|year-|comparable|\d{4}", t) and not (
            reference is not None and re.search(r"same|corresponding", t)):
        return None  # "the period" alone: no time the reader can place
    if anchor is None and (m is None or not m.group("year")):
        return None
    ref = reference or last_reported_quarter(anchor) if anchor else reference
    if anchor is not None and m is not None and re.match(r"(?:the |this )?current quarter", t):
        ref = (anchor.year, (anchor.month - 1) // 3 + 1)
    year, quarter = ref if ref else (0, 0)
    if m is not None and m.group("ord"):
        # a quarter still to come this year is named for a forecast, one after the current
        # quarter is last year's ("the fourth quarter" in January)
        quarter = ORD[m.group("ord")]
        if anchor is not None:
            year = anchor.year if quarter <= (anchor.month - 1) // 3 + 1 else anchor.year - 1
    if m is not None and m.group("year"):
        year = int(m.group("year"))
    elif back:
        year -= 1
    if not year or not quarter:
        return None
    return _quarter(year, quarter)


RELATIVE_RE = re.compile(NUMWORD_RE + r" " + UNIT_RE + r" (earlier|later|before|after)")


FOLLOWING_RE = re.compile(r"the (following|next|previous|preceding) (day|month|year)")
SAME_DAY_RE = re.compile(r"(?:(?:earlier|later) )?(?:that|the same|that same) (day|month|year)")


def resolve_from(text: str, reference: Resolution) -> Resolution | None:
    """"A year earlier", "three days later": counted from the date the story last named
    (TimeML's reference time), at that date's granularity; None when it does not apply."""
    t = re.sub(r"\s+", " ", text.lower()).strip(" ,.;:")
    t = re.sub(r"^(?:just |only |about |some |nearly |almost )", "", t)
    m = SAME_DAY_RE.fullmatch(t)
    if m and reference.range_start is not None and reference.type == "DATE":
        # "earlier that day", "later that year": the day (month, year) last named
        ref = reference.range_start
        if m.group(1) == "year":
            return _year(ref.year)
        if m.group(1) == "month":
            return _month(ref.year, ref.month)
        return _day(ref) if reference.granularity == "day" else None
    m = FOLLOWING_RE.fullmatch(t)
    if m and reference.range_start is not None and reference.type == "DATE" and (
        m.group(2) != "day" or reference.granularity == "day"
    ):
        # "On May 22, 1995, he was promoted, and the following year ...": the unit after (or
        # before) the one last named, as a date
        ref, k = reference.range_start, 1 if m.group(1) in ("following", "next") else -1
        if m.group(2) == "year":
            return _year(ref.year + k)
        if m.group(2) == "month":
            return _month(*_shift_month(ref.year, ref.month, k))
        return _day(ref + timedelta(days=k))
    m = RELATIVE_RE.fullmatch(t)
    if m is None or reference.range_start is None or reference.type != "DATE":
        return None
    count = _num(m.group(1))
    if count is None or not float(count).is_integer():
        return None
    sign = 1 if m.group(3) in ("later", "after") else -1
    k, unit, ref = sign * int(count), m.group(2), reference.range_start
    if reference.granularity == "month" and unit in ("month", "year"):
        y, mo = _shift_month(ref.year, ref.month, k * (12 if unit == "year" else 1))
        return _month(y, mo)
    if reference.granularity == "day" and unit in ("day", "week", "fortnight"):
        days = k * {"day": 1, "week": 7, "fortnight": 14}[unit]
        return _day(ref + timedelta(days=days))
    if reference.granularity == "day" and unit in ("month", "year"):
        y, mo = _shift_month(ref.year, ref.month, k * (12 if unit == "year" else 1))
        return _safe_day(y, mo, min(ref.day, calendar.monthrange(y, mo)[1]))
    return None


def _holiday_in(name: str, year: int) -> date:
    if name == "thanksgiving":  # the fourth Thursday of November
        first = date(year, 11, 1)
        return first + timedelta(days=(3 - first.weekday()) % 7 + 21)
    return {"christmas": date(year, 12, 25), "new year's": date(year, 1, 1),
            "independence": date(year, 7, 4)}[name]


def _holiday(name: str, anchor: date, past: bool | None) -> Resolution:
    """A yearly holiday: the next one in a future clause, the last one in a past clause; when
    the clause does not say, the nearer one, one ahead counting twice as far (as for months:
    "the boy found at sea on Thanksgiving Day" in January is the one just gone)."""
    when = _holiday_in(name, anchor.year)
    if past is None:
        before = when if when <= anchor else _holiday_in(name, anchor.year - 1)
        after = when if when >= anchor else _holiday_in(name, anchor.year + 1)
        ahead = (after - anchor).days * FUTURE_GAP_WEIGHT
        return _day(after if ahead < (anchor - before).days else before)
    if past and when > anchor:
        when = _holiday_in(name, anchor.year - 1)
    elif not past and when < anchor:
        when = _holiday_in(name, anchor.year + 1)
    return _day(when)


def _early_end(res: Resolution) -> date:
    assert res.range_start is not None and res.range_end is not None
    span = (res.range_end - res.range_start).days
    return res.range_start + timedelta(days=max(span // 3, 0))


def _offset(anchor: date, k: int, unit: str) -> Resolution:
    if unit == "day":
        return _day(anchor + timedelta(days=k))
    if unit in ("week", "fortnight"):
        # "a week ago" names the day a week back (as MEANTIME's annotators value it)
        return _day(anchor + timedelta(days=7 * k * (2 if unit == "fortnight" else 1)))
    if unit == "month":
        y, m = _shift_month(anchor.year, anchor.month, k)
        return _month(y, m)
    if unit == "year":
        return _year(anchor.year + k)
    if unit == "decade":
        return _year(anchor.year + 10 * k)
    if unit in ("hour", "minute", "second"):
        return _day(anchor)
    return _year(anchor.year + 100 * k)


def _resolve_absolute(core: str, anchor: date | None, future: bool | None
                      ) -> Resolution | None:
    # ISO and numeric dates
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:t[\d:]+z?)?", core)
    if m:
        return _safe_day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2}|\d{4})", core)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        y = y + 2000 if y < 50 else (y + 1900 if y < 100 else y)
        mo, d = (b, a) if a > 12 else (a, b)  # US order unless it cannot be
        return _safe_day(y, mo, d)
    # month day(, year) / day month (year)
    m = re.fullmatch(r"(?:" + WEEKDAY_RE + r",? )?(?:(early|mid|late|end of|the end of) ?-?)?"
                     + MONTH_RE + r" (\d{1,2})(?:st|nd|rd|th)?(?:,? (\d{4}))?" + PART_RE, core)
    if m:
        mo = MONTHS[m.group(3)]
        d = int(m.group(4))
        return _month_day(anchor, mo, d, m.group(5), future, m.group(6))
    m = re.fullmatch(r"(?:" + WEEKDAY_RE + r",? )?(?:the )?(\d{1,2})(?:st|nd|rd|th)? (?:of )?"
                     + MONTH_RE + r"(?:,? (\d{4}))?" + PART_RE, core)
    if m:
        mo = MONTHS[m.group(3)]
        return _month_day(anchor, mo, int(m.group(2)), m.group(4), future, m.group(5))
    # month (year)
    m = re.fullmatch(r"(?:(early|mid|late|the end of|end of|the beginning of|the start of|"
                     r"the middle of|middle of|this|last|next) ?-?)?" + MONTH_RE
                     + r"(?:,? (?:of )?(\d{4}))?", core)
    if m:
        mo = MONTHS[m.group(2)]
        if m.group(3):
            return _month(int(m.group(3)), mo)
        if anchor is None:
            return Resolution("DATE", f"XXXX-{mo:02d}", None, None, "month", False)
        rel = m.group(1)
        if rel == "last":
            y = anchor.year if mo < anchor.month else anchor.year - 1
        elif rel == "next":
            y = anchor.year if mo > anchor.month else anchor.year + 1
        elif rel == "this":
            y = anchor.year
        else:
            y = _infer_year(anchor, mo, None, future)
        return _month(y, mo)
    m = re.fullmatch(r"(?:the |a |an )?(\d{1,2})(?:st|nd|rd|th)[ -]century", core)
    if m and 1 <= int(m.group(1)) <= 21:
        c = int(m.group(1)) - 1  # the 20th century is 1900-1999: TIMEX3 "19"
        return Resolution("DATE", f"{c:02d}", date(max(c * 100, 1), 1, 1),
                          date(c * 100 + 99, 12, 31), "century", True)
    m = re.fullmatch(r"(?:the )?(twenties|thirties|forties|fifties|sixties|seventies|eighties|"
                     r"nineties)", core)
    if m:
        dec = 190 + ["twenties", "thirties", "forties", "fifties", "sixties", "seventies",
                     "eighties", "nineties"].index(m.group(1)) + 2
        return Resolution("DATE", f"{dec:03d}", date(dec * 10, 1, 1),
                          date(dec * 10 + 9, 12, 31), "decade", True)
    # years said in words, as broadcast transcripts write them: "nineteen ninety-six"
    m = re.fullmatch(r"(?:(?:the )?year )?(?:(?:" + MONTH_RE + r") )?(nineteen|twenty|two thousand)"
                     r"(?: and)?(?: ([a-z]+(?:-[a-z]+)?))?", core)
    if m:
        spoken = _spoken_year(m.group(2), m.group(3))
        if spoken is not None:
            if m.group(1):
                return _month(spoken, MONTHS[m.group(1)])
            return _year(spoken)
    # years, fiscal years, decades
    m = re.fullmatch(r"(?:(?:the )?(?:fiscal|fy|financial year|calendar year|year|"
                     r"early|mid|late|end of|the end of)[ -]?)?((?:1[5-9]|20|21)\d\d)", core)
    if m:
        return _year(int(m.group(1)))
    m = re.fullmatch(r"(?:the )?(?:early |mid-|late )?((?:1[5-9]|20)\d)0'?s", core)
    if m:
        dec = int(m.group(1))
        return Resolution("DATE", f"{dec:03d}", date(dec * 10, 1, 1), date(dec * 10 + 9, 12, 31),
                          "decade", True)
    # quarters and halves
    m = re.fullmatch(r"(?:the )?(first|second|third|fourth|1st|2nd|3rd|4th|final|last) "
                     r"(quarter|half)(?: of (?:the year |fiscal |)?(\d{4}))?", core) or \
        re.fullmatch(r"(?:the )?(q[1-4])(?: of)? ?(\d{4})?", core)
    if m:
        if m.group(1).startswith("q"):
            q, half, y_text = int(m.group(1)[1]), False, m.group(2)
        else:
            q, half, y_text = ORD[m.group(1)], m.group(2) == "half", m.group(3)
        qy: int | None = int(y_text) if y_text else (anchor.year if anchor else None)
        if not y_text and anchor is not None and not future and not half and (
            q > (anchor.month - 1) // 3 + 1
        ):
            qy = anchor.year - 1  # a quarter still to come is not reported on: last year's
        if qy is None:
            return _unresolved("DATE", f"XXXX-Q{q}" if not half else f"XXXX-H{q}", "quarter")
        if half:
            q = min(q, 2)
            first = date(qy, 6 * q - 5, 1)
            return Resolution("DATE", f"{qy}-H{q}", first, month_range(qy, 6 * q)[1], "half",
                              True)
        return _quarter(qy, q)
    # seasons
    m = re.fullmatch(r"(?:(?:early|late|mid|this|last|next) )?(spring|summer|autumn|fall|winter)"
                     r"(?: (?:of )?(\d{4}))?", core)
    if m:
        code = SEASONS[m.group(1)]
        if m.group(2):
            return _season(int(m.group(2)), code)
        if anchor is None:
            return _unresolved("DATE", f"XXXX-{code}", "season")
        word = core.split()[0]
        y = anchor.year + {"last": -1, "next": 1}.get(word, 0)
        return _season(y, code)
    # clock times
    m = re.fullmatch(r"(?:at )?(\d{1,2})(?:[:.](\d{2}))? ?(a\.?m\.?|p\.?m\.?)?(?: \(?(utc|gmt|"
                     r"et|est|edt|bst|cet|local time)\)?)?(?: (?:on )?(.+))?", core)
    if m and (m.group(2) or m.group(3)):
        h, mi = int(m.group(1)), int(m.group(2) or 0)
        ampm = (m.group(3) or "").replace(".", "")
        if ampm == "pm" and h < 12:
            h += 12
        if ampm == "am" and h == 12:
            h = 0
        if h > 23 or mi > 59:
            return None
        zone = "Z" if m.group(4) in ("utc", "gmt") else ""
        day: Resolution | None = _day(anchor) if anchor else None
        if m.group(5):
            day = resolve(m.group(5), anchor, future=future)
        if day is None or not day.resolved or day.granularity != "day" or day.value is None:
            return _unresolved("TIME", f"XXXX-XX-XXT{h:02d}:{mi:02d}{zone}", "time")
        return Resolution("TIME", f"{day.value[:10]}T{h:02d}:{mi:02d}{zone}", day.range_start,
                          day.range_end, "time", True)
    m = re.fullmatch(r"([01]\d|2[0-3])([0-5]\d) (utc|gmt|hours|hrs|gmt)", core)
    if m:
        return resolve(f"{m.group(1)}:{m.group(2)} {m.group(3).replace('hours', '')}".strip(),
                       anchor, future=future)
    m = re.fullmatch(r"(?:the )?'?([2-9])0'?s", core)
    if m:
        dec = 190 + int(m.group(1))
        return Resolution("DATE", f"{dec:03d}", date(dec * 10, 1, 1), date(dec * 10 + 9, 12, 31),
                          "decade", True)
    m = re.fullmatch(r"(?:noon|midday),? (?:on )?(.+)", core)
    if m:
        day = resolve(m.group(1), anchor, future=future)
        if day is not None and day.granularity == "day" and day.value and day.resolved:
            return Resolution("TIME", f"{day.value[:10]}T12:00", day.range_start, day.range_end,
                              "time", True)
    if core in ("noon", "midday", "midnight") and anchor is not None:
        clock = "00:00" if core == "midnight" else "12:00"
        return Resolution("TIME", f"{anchor.isoformat()}T{clock}", anchor, anchor, "time", True)
    return _dateparser(core, anchor, future)


def _spoken_year(head: str, rest: str | None) -> int | None:
    tail = 0
    if rest:
        value = words_value(rest.split("-"))
        if value is None or not float(value).is_integer() or not 0 < value < 100:
            return None
        tail = int(value)
    if head == "two thousand":
        return 2000 + tail
    if not rest:
        return None  # "nineteen" alone is a number
    return (1900 if head == "nineteen" else 2000) + tail


def _month_day(anchor: date | None, mo: int, d: int, year: str | None, future: bool | None,
               part: str | None) -> Resolution | None:
    if year:
        res = _safe_day(int(year), mo, d)
    elif anchor is None:
        return _unresolved("DATE", f"XXXX-{mo:02d}-{d:02d}", "day")
    else:
        res = _safe_day(_infer_year(anchor, mo, d, future), mo, d)
    if res is not None and part and res.value:
        return Resolution("TIME", f"{res.value}T{PARTS[part]}", res.range_start, res.range_end,
                          "day", True)
    return res


def _safe_day(y: int, m: int, d: int) -> Resolution | None:
    try:
        return _day(date(y, m, d))
    except ValueError:
        return None


@functools.lru_cache(maxsize=64)
def _parser(base: datetime | None, past: bool) -> Any:
    from dateparser.date import DateDataParser

    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": "past" if past else "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    if base is not None:
        settings["RELATIVE_BASE"] = base
    return DateDataParser(languages=["en"], settings=settings)


def _dateparser(core: str, anchor: date | None, future: bool | None) -> Resolution | None:
    if not re.search(r"\d|" + MONTH_RE + "|" + WEEKDAY_RE, core) or len(core) > 40 or (
        " and " in core or " to " in core
    ):
        return None
    base = datetime(anchor.year, anchor.month, anchor.day, 12) if anchor else None
    try:
        data = _parser(base, not future).get_date_data(core)
    except Exception:  # dateparser raises a variety of errors on odd input
        return None
    when = getattr(data, "date_obj", None)
    if when is None:
        return None
    period = getattr(data, "period", "day") or "day"
    d = when.date()
    if d.year < 1000:
        return None
    if anchor is None and not re.search(r"\b\d{4}\b", core):
        return None
    if period == "year":
        return _year(d.year)
    if period == "month":
        return _month(d.year, d.month)
    if period == "week":
        return _week(d)
    if period == "time":
        return Resolution("TIME", when.strftime("%Y-%m-%dT%H:%M"), d, d, "time", True)
    return _day(d)
