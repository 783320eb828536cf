"""Build the generated entity lexicons in ``src/marsad/ner/data/`` from public data.

Sources:
- Unicode CLDR Arabic territory and time-zone city names, as shipped with Babel
  (Unicode licence): countries, regions and cities.
- ISO 3166 Arabic country names and official names from the iso-codes translations shipped
  with pycountry (LGPL-2.1).
- ANERGazet (Benajiba et al.; via ITE-5th/arabic-ner) location and person-name lists, read
  from ``../shared/datasets/anercorp/gazetteers`` (or ``$MARSAD_DATASETS``); skipped with a
  message when absent, leaving the previous files in place.

Nationality adjectives are derived from single-word country names with the nisba rule
(لبنان -> لبناني، فرنسا -> فرنسي، ألمانيا -> ألماني); the irregular ones are hand-written in
``nationalities_extra.tsv``. Everyday words listed in the block lists are left out.

Run: ``.venv/bin/python scripts/build_lexicons.py``. Output is sorted, so reruns are stable.
"""

from __future__ import annotations

import gettext
import os
import re
import sys
from pathlib import Path

import babel
import pycountry

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "marsad" / "ner" / "data"
sys.path.insert(0, str(ROOT / "src"))

from marsad.text.normalise import norm  # noqa: E402

_HARAKAT = re.compile("[\u064b-\u0652\u0640]")


def _clean(name: str) -> str:
    name = _HARAKAT.sub("", name)
    name = re.sub(r"\s*\(.*?\)\s*", " ", name)
    return re.sub(r"\s+", " ", name).strip()


def _read_list(name: str) -> set[str]:
    out = set()
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.split("\t")[0].strip()
        if line and not line.startswith("#"):
            out.add(norm(line))
    return out


def country_names() -> list[tuple[str, str]]:
    """(Arabic name, alpha-2) pairs from CLDR (Babel) and iso-codes (pycountry)."""
    pairs: set[tuple[str, str]] = set()
    territories = babel.Locale("ar").territories
    iso = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    for country in pycountry.countries:
        code = country.alpha_2
        names = [territories.get(code, ""), iso.gettext(country.name)]
        official = getattr(country, "official_name", "")
        if official:
            names.append(iso.gettext(official))
        for raw in names:
            if not raw or "،" in raw or "-" in raw or re.search("[A-Za-z]", raw):
                continue
            pairs.add((_clean(raw), code))
    return sorted(pairs)


def region_names() -> list[str]:
    out = []
    for code, name in babel.Locale("ar").territories.items():
        if code.isdigit() and code != "001":  # 001 is "the world"
            out.append(_clean(name))
    return sorted(set(out))


def city_names() -> list[str]:
    out = set()
    for info in babel.Locale("ar").time_zones.values():
        city = info.get("city")
        if city and not re.search("[A-Za-z0-9،,]", city):
            out.add(_clean(city))
    return sorted(out)


def nisba(name: str) -> str | None:
    """The nationality adjective of a one-word country name, or None when not regular."""
    word = name[2:] if name.startswith("ال") else name
    if " " in word or len(word) < 3:
        return None
    if word.endswith("يا"):
        return word[:-2] + "ي"
    if word.endswith("ية"):
        return word[:-1]
    if word.endswith(("ا", "ة")):
        return word[:-1] + "ي"
    if word.endswith(("ي", "و", "ى")):
        return None
    return word + "ي"


def build_places(block: set[str]) -> list[str]:
    rows = []
    seen = set()

    def add(name: str, kind: str, code: str, source: str) -> None:
        key = norm(name)
        if key in block or key in seen or len(key) < 3:
            return
        seen.add(key)
        rows.append(f"{name}\t{kind}\t{code}\t{source}")

    for name, code in country_names():
        add(name, "GPE", code, "cldr/iso")
    for name in region_names():
        add(name, "LOC", "", "cldr")
    for name in city_names():
        add(name, "GPE", "", "cldr-tz")
    return rows


def build_nationalities(block: set[str]) -> list[str]:
    rows = {}
    for name, code in country_names():
        adj = nisba(name)
        if adj and norm(adj) not in block:
            rows.setdefault(norm(adj), f"{adj}\t{code}\t{adj}")
    return [rows[k] for k in sorted(rows)]


def build_anergazet(src: Path, block: set[str], stop: set[str]) -> tuple[list[str], list[str]]:
    def entries(path: Path) -> list[str]:
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            line = _clean(line)
            if not line or set(line) <= set("*=-_ ") or re.search("[0-9A-Za-z]", line):
                continue
            out.append(line)
        return out

    locs, pers = set(), set()
    for name in entries(src / "loc.txt"):
        key = norm(name)
        if len(key) >= 3 and key not in block and not (set(key.split()) & stop):
            locs.add(name)
    for name in entries(src / "pers.txt"):
        key = norm(name)
        if " " in key or len(key) < 3 or key in stop or key in block:
            continue
        if key.startswith(("وال", "بال", "لل", "كال", "فال")):
            continue  # a clitic glued to the name: not a name part
        pers.add(name)
    return sorted(locs, key=norm), sorted(pers, key=norm)


def _write(name: str, header: str, rows: list[str]) -> None:
    (DATA / name).write_text(header.rstrip() + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {name}: {len(rows)} entries")


def main() -> None:
    common = _read_list("common_words.txt")
    # given names are not places (ANERGazet lists أحمد and كلاوس among its places)
    place_block = _read_list("place_blocklist.txt") | common | _read_list("first_names.txt")
    nat_block = _read_list("nationality_blocklist.txt")
    stop = (
        _read_list("function_words.txt")
        | _read_list("time_words.txt")
        | _read_list("modifiers.txt")
    )
    _write(
        "places_cldr.tsv",
        "# GENERATED by scripts/build_lexicons.py - do not edit.\n"
        "# Arabic country, region and city names from Unicode CLDR (via Babel "
        f"{babel.__version__}; Unicode licence)\n"
        "# and iso-codes country names (via pycountry; LGPL-2.1).\n"
        "# name <TAB> type <TAB> ISO alpha-2 code (countries) <TAB> source",
        build_places(place_block),
    )
    _write(
        "nationalities_cldr.tsv",
        "# GENERATED by scripts/build_lexicons.py - do not edit.\n"
        "# Nationality adjectives derived by the nisba rule from CLDR/iso-codes country names.\n"
        "# adjective <TAB> ISO alpha-2 code <TAB> canonical form",
        build_nationalities(nat_block),
    )
    datasets = Path(os.environ.get("MARSAD_DATASETS", ROOT.parent / "shared" / "datasets"))
    gazet = datasets / "anercorp" / "gazetteers"
    if not gazet.is_dir():
        print(f"ANERGazet not found at {gazet}: keeping the shipped anergazet_*.txt")
        return
    locs, pers = build_anergazet(gazet, place_block, stop | common)
    attribution = (
        "# GENERATED by scripts/build_lexicons.py - do not edit.\n"
        "# From ANERGazet (Y. Benajiba, P. Rosso, J.M. Benedi Ruiz, 'ANERsys: An Arabic Named\n"
        "# Entity Recognition system based on Maximum Entropy', CICLing 2007), as kept in\n"
        "# github.com/ITE-5th/arabic-ner (data/ANERGazet), filtered. Research use; see\n"
        "# the ANERcorp licence notes (CC BY-SA 4.0 as redistributed by CAMeL Lab).\n"
    )
    _write("anergazet_loc.txt", attribution + "# place names, one a line", locs)
    _write("anergazet_pers.txt", attribution + "# person-name parts, one a line", pers)


if __name__ == "__main__":
    main()
