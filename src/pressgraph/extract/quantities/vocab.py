"""Closed vocabularies: qualifiers, vague amounts, hedges, count types and currencies.

Count types extend GDELT's V2Counts types (AFFECT, ARREST, KIDNAP, KILL, PROTEST, SEIZE,
WOUND) with finer ones a reader of conflict news needs; ``GDELT_COUNT_TYPE`` maps each back
to GDELT's (None where GDELT has no such type).
"""

from __future__ import annotations

# qualifier (lowercase token sequence) -> interval rule
#   gt: (N, inf)  ge: [N, inf)  lt: [0, N)  le: [0, N]  near: [0.9N, N) approximate
#   approx: [0.9N, 1.1N] approximate (a +-10% band: wide enough for "some 2,000" to cover
#   the 1,800-2,200 a reader takes it to mean, narrow enough to keep order of magnitude)
QUALIFIERS: dict[tuple[str, ...], str] = {
    ("more", "than"): "gt", ("over",): "gt", ("above",): "gt", ("in", "excess", "of"): "gt",
    ("upwards", "of"): "gt", ("just", "over"): "gt", ("well", "over"): "gt",
    ("more", "then"): "gt", ("greater", "than"): "gt", ("exceeding",): "gt",
    ("at", "least"): "ge", ("no", "fewer", "than"): "ge", ("no", "less", "than"): "ge",
    ("a", "minimum", "of"): "ge", ("not", "less", "than"): "ge",
    ("nearly",): "near", ("almost",): "near", ("close", "to"): "near",
    ("just", "under"): "near", ("just", "shy", "of"): "near", ("nearing",): "near",
    ("fewer", "than"): "lt", ("less", "than"): "lt", ("under",): "lt", ("below",): "lt",
    ("up", "to"): "le", ("as", "many", "as"): "le", ("at", "most"): "le",
    ("no", "more", "than"): "le", ("a", "maximum", "of"): "le", ("not", "more", "than"): "le",
    ("as", "much", "as"): "le",
    ("some",): "approx", ("about",): "approx", ("around",): "approx", ("roughly",): "approx",
    ("approximately",): "approx", ("approx.",): "approx", ("an", "estimated"): "approx",
    ("circa",): "approx", ("c.",): "approx", ("nearly", "about"): "approx",
    ("an", "approximate"): "approx", ("estimated",): "approx", ("~",): "approx",
    ("in", "the", "region", "of"): "approx", ("on", "the", "order", "of"): "approx",
    ("or", "so"): "approx",
}
MAX_QUALIFIER_LEN = max(len(k) for k in QUALIFIERS)

# vague plural -> [low, high]
VAGUE_PLURALS: dict[str, tuple[float, float]] = {
    "dozens": (24, 99), "scores": (40, 99), "hundreds": (200, 999), "thousands": (2000, 9999),
    "millions": (2e6, 9_999_999), "billions": (2e9, 9_999_999_999),
}
# "tens of thousands" etc.: multiplier word x scale plural
VAGUE_MULT: dict[str, tuple[float, float]] = {"tens": (20, 99.999), "hundreds": (200, 999.999)}
SCALE_PLURAL: dict[str, float] = {"thousands": 1e3, "millions": 1e6, "billions": 1e9}
# "a few dozen" [24, 60]: a few = 2..5, several = 3..9 of the unit (a dozen counts from 24)
FEW: dict[tuple[str, ...], tuple[float, float]] = {
    ("a", "few"): (2, 5), ("several",): (3, 9), ("a", "couple", "of"): (2, 2),
    ("a", "couple"): (2, 2),
}
# "the low hundreds" [100, 399]; low/mid/high thirds of the order of magnitude
BAND: dict[str, tuple[int, int]] = {
    "low": (1, 3), "lower": (1, 3), "mid": (4, 6), "middle": (4, 6), "high": (7, 9),
    "upper": (7, 9),
}
BAND_UNIT: dict[str, float] = {
    "hundreds": 100, "thousands": 1000, "millions": 1e6, "billions": 1e9,
    "teens": 10, "tens": 10,
}

# hedge vocabulary: lowercase cue word (or lemma) -> hedge
HEDGE_LEMMAS: dict[str, str] = {
    "believe": "believed", "estimate": "estimated", "estimated": "estimated",
    "reportedly": "reportedly", "allegedly": "alleged", "allege": "alleged",
    "alleged": "alleged", "unconfirmed": "unconfirmed", "claim": "claimed",
    "claimed": "claimed", "purportedly": "claimed", "purported": "claimed",
    "unverified": "unconfirmed",
    "thought": "believed", "presumed": "believed", "unverifiable": "unconfirmed",
}
HEDGES = (
    "believed", "estimated", "reportedly", "according_to", "alleged", "approximately",
    "unconfirmed", "claimed", "at_least",
)

COUNT_TYPES = (
    "KILL", "WOUND", "ARREST", "DETAIN", "KIDNAP", "ESCAPE", "DISPLACE", "AFFECT", "PROTEST",
    "SEIZE", "MISSING", "DEPLOY", "RELEASE", "VOTE", "OTHER",
)
GDELT_COUNT_TYPE: dict[str, str | None] = {
    "KILL": "KILL", "WOUND": "WOUND", "ARREST": "ARREST", "DETAIN": "ARREST",
    "KIDNAP": "KIDNAP", "ESCAPE": None, "DISPLACE": "AFFECT", "AFFECT": "AFFECT",
    "PROTEST": "PROTEST", "SEIZE": "SEIZE", "MISSING": "AFFECT", "DEPLOY": None,
    "RELEASE": None, "VOTE": None, "OTHER": None,
}

# lemma of the predicate (verb, adjective or the counted noun) -> count type
PREDICATE_TYPES: dict[str, str] = {
    **dict.fromkeys(
        ("kill", "die", "dead", "death", "murder", "slay", "execute", "massacre", "behead",
         "fatality", "victim", "casualty", "body", "toll", "perish", "slaughter", "assassinate",
         "drown", "martyr"), "KILL"),
    **dict.fromkeys(("wound", "injure", "hurt", "injury", "injured", "wounded", "maim"),
                    "WOUND"),
    **dict.fromkeys(("arrest", "apprehend", "round", "nab", "arrestee", "charge", "indict",
                     "recapture",
                     "rearrest", "re-arrest"),
                    "ARREST"),
    **dict.fromkeys(
        ("detain", "hold", "imprison", "jail", "detainee", "prisoner", "intern", "incarcerate",
         "lock", "inmate", "custody", "confine", "captive"), "DETAIN"),
    **dict.fromkeys(("kidnap", "abduct", "hostage", "abductee", "snatch"), "KIDNAP"),
    **dict.fromkeys(("escape", "abscond", "break", "escapee", "fugitive"), "ESCAPE"),
    **dict.fromkeys(
        ("displace", "flee", "refugee", "uproot", "displaced", "expel",
         "deport", "relocate", "resettle", "migrant", "asylum"), "DISPLACE"),
    **dict.fromkeys(
        ("affect", "strand", "starve", "homeless", "suffer", "need", "infect", "sicken",
         "trap", "besiege", "survivor", "evacuate", "evacuee", "rescue", "hospitalize",
         "hospitalise", "treat", "admit", "target", "shelter", "vaccinate", "patient"),
        "AFFECT"),
    **dict.fromkeys(
        ("protest", "demonstrate", "rally", "march", "protester", "protestor", "demonstrator",
         "marcher", "riot", "rioter", "crowd", "protest", "walkout"), "PROTEST"),
    **dict.fromkeys(("seize", "confiscate", "impound", "capture", "loot", "steal", "grab"),
                    "SEIZE"),
    **dict.fromkeys(("missing", "miss", "disappear", "unaccounted", "vanish"), "MISSING"),
    **dict.fromkeys(
        ("deploy", "station", "mobilize", "mobilise", "troop", "soldier", "reinforcement",
         "officer", "policeman", "peacekeeper", "personnel", "police", "policemen", "rescuer",
         "firefighter", "aircraft", "plane", "helicopter", "warship", "marine", "gendarme"),
        "DEPLOY"),
    **dict.fromkeys(("release", "free", "pardon", "exchange", "swap", "repatriate"),
                    "RELEASE"),
    **dict.fromkeys(("vote", "ballot", "voter", "elect", "seat"), "VOTE"),
}

# objects that type a verb that has none: "lost their jobs"
OBJECT_TYPES: dict[str, str] = {"job": "AFFECT", "power": "AFFECT",
                                "electricity": "AFFECT", "hostage": "KIDNAP"}

# verbs that report or qualify a count rather than say what happened to what is counted
NON_PREDICATES = frozenset(
    ("say", "tell", "believe", "estimate", "report", "claim", "think", "be", "include",
     "according", "add", "accord", "put", "number", "total", "reach", "rise", "stand",
     "exceed", "count", "know", "show", "suggest", "indicate", "warn", "state", "announce",
     "confirm", "allege", "fear", "expect", "remain", "become", "seem", "appear", "have")
)
# nouns that stand for "the number": "the number is now over 100", "the death toll"
NUMBER_NOUNS = frozenset(("number", "figure", "toll", "total", "tally", "count"))

CURRENCY_SYMBOLS: dict[str, str] = {
    "$": "USD", "us$": "USD", "usd": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "c$": "CAD",
    "a$": "AUD", "hk$": "HKD", "nz$": "NZD", "s$": "SGD", "r$": "BRL", "rs": "INR",
    "rs.": "INR", "₹": "INR", "₽": "RUB", "₺": "TRY", "eur": "EUR", "gbp": "GBP",
    "chf": "CHF", "cad": "CAD", "aud": "AUD", "jpy": "JPY", "cny": "CNY", "inr": "INR",
}
CURRENCY_WORDS: dict[str, str] = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP",
    "pounds": "GBP", "sterling": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
    "rupee": "INR", "rupees": "INR", "rouble": "RUB", "roubles": "RUB", "ruble": "RUB",
    "rubles": "RUB", "lira": "TRY", "shilling": "KES", "shillings": "KES", "kwacha": "ZMW",
    "cedi": "GHS", "cedis": "GHS", "birr": "ETB", "taka": "BDT", "hryvnia": "UAH",
    "hryvnias": "UAH", "rial": "IRR", "rials": "IRR", "kyat": "MMK", "ringgit": "MYR",
    "rupiah": "IDR", "baht": "THB", "dinar": "IQD", "dinars": "IQD", "real": "BRL",
    "reais": "BRL", "zloty": "PLN", "forint": "HUF", "afghanis": "AFN", "liras": "TRY",
    "lire": "TRY", "riyal": "SAR",
    "riyals": "SAR", "dirham": "AED", "dirhams": "AED", "francs": "CHF", "shekels": "ILS",
    "shekel": "ILS", "won": "KRW", "pesos": "MXN", "rand": "ZAR", "naira": "NGN",
}
PERCENT_WORDS = (("%",), ("percent",), ("per", "cent"), ("pc",), ("percentage", "points"),
                 ("percentage", "point"))

# a number right after one of these names something rather than counts it
IDENTIFIER_WORDS = frozenset(
    ("no.", "no", "nos.", "number", "page", "pages", "article", "chapter", "section",
     "resolution", "flight", "room", "route", "highway", "version", "grade", "level", "phase",
     "stage", "round", "item", "line", "platform", "gate", "terminal", "paragraph", "clause",
     "rule", "covid", "bus", "channel", "apartment", "suite", "unit", "floor", "box", "tel",
     "tel.", "phone", "fax", "ext", "ext.", "amendment", "act", "protocol", "division",
     "brigade", "battalion", "regiment", "squadron", "district", "ward", "precinct",
     "interstate", "exit", "model", "pier", "block", "lot", "bill", "case", "cell", "camp",
     "sector", "zone", "week", "day", "game", "match", "season", "episode", "volume", "vol.",
     "issue", "figure", "table", "step", "category", "class", "type", "size", "pp.", "p.",
     "ch.", "art.", "sec.", "seat", "row", "term", "year")
)
STREET_WORDS = frozenset(
    ("street", "st", "st.", "road", "rd", "rd.", "avenue", "ave", "ave.", "boulevard", "blvd",
     "lane", "drive", "way", "square", "place", "court", "terrace", "crescent", "parkway",
     "highway", "close", "row", "strasse", "rue")
)
AGE_PREV = frozenset(("aged", "age", "ages"))

# "Egyptian pounds", "Hong Kong dollars": the adjective names the currency
ADJ_CURRENCY: dict[tuple[str, str], str] = {
    ("egyptian", "pounds"): "EGP", ("egyptian", "pound"): "EGP", ("lebanese", "pounds"): "LBP",
    ("syrian", "pounds"): "SYP", ("sudanese", "pounds"): "SDG", ("canadian", "dollars"): "CAD",
    ("australian", "dollars"): "AUD", ("kong", "dollars"): "HKD", ("zealand", "dollars"): "NZD",
    ("singapore", "dollars"): "SGD", ("taiwan", "dollars"): "TWD", ("zimbabwe", "dollars"): "ZWL",
    ("kenyan", "shillings"): "KES", ("ugandan", "shillings"): "UGX",
    ("tanzanian", "shillings"): "TZS", ("somali", "shillings"): "SOS",
    ("turkish", "lira"): "TRY", ("iraqi", "dinars"): "IQD", ("jordanian", "dinars"): "JOD",
    ("libyan", "dinars"): "LYD", ("iranian", "rials"): "IRR", ("saudi", "riyals"): "SAR",
    ("indian", "rupees"): "INR", ("pakistani", "rupees"): "PKR", ("sri", "rupees"): "LKR",
    ("nepali", "rupees"): "NPR", ("mexican", "pesos"): "MXN", ("argentine", "pesos"): "ARS",
    ("philippine", "pesos"): "PHP", ("colombian", "pesos"): "COP", ("chilean", "pesos"): "CLP",
    ("swiss", "francs"): "CHF", ("cfa", "francs"): "XOF", ("congolese", "francs"): "CDF",
    ("us", "dollars"): "USD", ("u.s.", "dollars"): "USD", ("american", "dollars"): "USD",
    ("nigerian", "naira"): "NGN", ("south", "rand"): "ZAR", ("russian", "roubles"): "RUB",
    ("russian", "rubles"): "RUB", ("chinese", "yuan"): "CNY", ("japanese", "yen"): "JPY",
}
TIME_WORDS = frozenset(
    ("day", "days", "week", "weeks", "month", "months", "year", "years", "decade", "decades",
     "hour", "hours", "minute", "minutes", "second", "seconds", "century", "centuries", "ago",
     "am", "pm", "a.m.", "p.m.", "o'clock", "-year", "-day", "-week", "-month", "-hour",
     "weekend", "weekends", "night", "nights", "morning", "mornings", "fortnight")
)
MONTH_WORDS = frozenset(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december", "jan", "jan.", "feb", "feb.", "mar", "mar.", "apr",
     "apr.", "jun", "jun.", "jul", "jul.", "aug", "aug.", "sep", "sep.", "sept", "sept.", "oct",
     "oct.", "nov", "nov.", "dec", "dec.", "monday", "tuesday", "wednesday", "thursday",
     "friday", "saturday", "sunday")
)
