"""Readers: plain text, HTML, RSS/Atom, JSON Lines (plain and compressed), paths and globs."""

from __future__ import annotations

import bz2
import gzip
import itertools
import json
import lzma
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from marsad.ingest import Rejected, read_bytes, read_paths
from marsad.ingest.dates import parse_date
from marsad.ingest.plaintext import find_dateline, parse_plain_text
from marsad.model import Document, content_id
from shared_data import dataset_path

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def read_one(path: Path, **kwargs) -> Document:
    items = list(read_paths([path], **kwargs))
    assert len(items) == 1, items
    assert isinstance(items[0], Document), str(items[0])
    return items[0]


def file_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# -- plain text ------------------------------------------------------------------------------


def test_txt_headline_and_agency_dateline():
    path = FIXTURES / "txt" / "mission_reuters.txt"
    doc = read_one(path)
    assert doc.title == "مجلس الأمن يمدد ولاية بعثة المراقبة في الساحل عاماً إضافياً"
    assert doc.source == "رويترز"
    assert doc.published == date(2023, 3, 14)
    # The body starts at the dateline, which stays in the text; the headline does not.
    assert doc.text.startswith("نيويورك - 14 مارس 2023 (رويترز) - صوّت")
    assert doc.title not in doc.text
    assert doc.text.endswith("قبل عامين.")
    assert doc.id == content_id(doc.text)
    assert doc.path == str(path)


def test_txt_metadata_lines_become_fields_and_leave_the_text():
    doc = read_one(FIXTURES / "txt" / "book_fair_meta.txt")
    assert doc.title == "افتتاح معرض الكتاب في الإسكندرية بمشاركة ثلاثين دولة"
    assert doc.source == "صحيفة الشاطئ"
    assert doc.published == date(2024, 3, 3)
    assert "المصدر" not in doc.text and "التاريخ" not in doc.text
    assert doc.text.startswith("القاهرة في 3 مارس 2024 - افتتح")


def test_txt_cairo_style_dateline_without_separator_gives_the_date():
    doc = read_one(FIXTURES / "txt" / "nile_dateline.txt")
    assert doc.published == date(2022, 8, 5)
    assert doc.source == ""  # no agency named, no metadata line
    assert doc.title.startswith("ارتفاع منسوب النهر")


def test_txt_footer_metadata_and_no_headline():
    doc = read_one(FIXTURES / "txt" / "harvest_footer.txt")
    assert doc.title == ""  # the first line is a full sentence ending with a full stop
    assert doc.source == "وكالة الأنباء الريفية"
    assert doc.published == date(2019, 11, 12)  # 12/11/2019 is day first
    assert doc.text.startswith("توقّع اتحاد المزارعين")
    assert doc.text.endswith("صغار المزارعين.")


def test_txt_first_line_of_a_hard_wrapped_paragraph_is_not_a_headline():
    path = FIXTURES / "txt" / "wrapped_lines.txt"
    doc = read_one(path)
    assert doc.title == ""
    assert doc.text == file_text(path).strip()


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "txt").glob("*.txt")))
def test_txt_text_is_an_untouched_slice_of_the_file(name):
    path = FIXTURES / "txt" / name
    doc = read_one(path)
    assert doc.text in file_text(path)
    assert doc.text == doc.text.strip()


def test_arguments_override_file_metadata():
    doc = read_one(
        FIXTURES / "txt" / "mission_reuters.txt",
        source="مصدر المستخدم",
        published=date(2023, 3, 20),
    )
    assert doc.source == "مصدر المستخدم"
    assert doc.published == date(2023, 3, 20)


def test_crlf_and_bom_are_read_like_unix_text(tmp_path):
    original = file_text(FIXTURES / "txt" / "mission_reuters.txt")
    path = tmp_path / "windows.txt"
    path.write_bytes(b"\xef\xbb\xbf" + original.replace("\n", "\r\n").encode("utf-8"))
    doc = read_one(path)
    unix = read_one(FIXTURES / "txt" / "mission_reuters.txt")
    assert (doc.text, doc.title, doc.published, doc.id) == (
        unix.text,
        unix.title,
        unix.published,
        unix.id,
    )


def test_utf16_text_with_bom_is_decoded(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(file_text(FIXTURES / "txt" / "book_fair_meta.txt").encode("utf-16"))
    doc = read_one(path)
    assert doc.source == "صحيفة الشاطئ"


def test_a_file_that_is_only_a_headline_is_its_own_text(tmp_path):
    path = tmp_path / "one_line.txt"
    path.write_text("انقطاع الكهرباء عن ثلاثة أحياء في المدينة\n", encoding="utf-8")
    doc = read_one(path)
    assert doc.text == "انقطاع الكهرباء عن ثلاثة أحياء في المدينة"


@pytest.mark.parametrize(
    ("line", "place", "published", "agency"),
    [
        ("بيروت - 12 نوفمبر 2019 (رويترز) - قال", "بيروت", date(2019, 11, 12), "رويترز"),
        ("القاهرة في 3 مارس 2024\nأعلنت", "القاهرة", date(2024, 3, 3), ""),
        ("القاهرة في ٣ مارس ٢٠٢٤ - أعلنت", "القاهرة", date(2024, 3, 3), ""),
        (
            "رام الله - الثلاثاء، 12 تشرين الثاني/نوفمبر 2019 (وفا) - قال",
            "رام الله",
            date(2019, 11, 12),
            "وفا",
        ),
        (
            "عمّان - ٣ كانون الأول/ديسمبر ٢٠١٩ (صدى المشرق)\n\nأعلنت",
            "عمّان",
            date(2019, 12, 3),
            "صدى المشرق",
        ),
        ("لندن (أ ف ب) - أعلنت", "لندن", None, "أ ف ب"),
        ("الرياض - واس\nأعلن", "الرياض", None, "واس"),
        ("جنيف، 1 أبريل 2020م (د ب أ) - قال", "جنيف", date(2020, 4, 1), "د ب أ"),
        ("نيويورك – 5/11/2019 – أفادت", "نيويورك", date(2019, 11, 5), ""),
    ],
)
def test_datelines(line, place, published, agency):
    found = find_dateline(line)
    assert found is not None
    assert (found.place, found.published, found.agency) == (place, published, agency)
    assert line[found.start : found.end].startswith(place)


@pytest.mark.parametrize(
    "line",
    [
        "أعلن في 3 مارس 2024 أن الوزارة ستفتتح",  # an event date inside a sentence
        "قال مسؤول في 3 مارس 2024 إن الاتفاق",
        "أعلنت المنظمة (يونيفيل): إن القوة",
        "ارتفعت الأسعار خلال الأسبوع الماضي.",
    ],
)
def test_sentences_are_not_datelines(line):
    assert find_dateline(line) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-11-12", date(2019, 11, 12)),
        ("2019-11-12T08:00:00Z", date(2019, 11, 12)),
        ("12 نوفمبر 2019", date(2019, 11, 12)),
        ("١٢ تشرين الثاني ٢٠١٩", date(2019, 11, 12)),
        ("الثلاثاء 12 أيار/مايو 2020", date(2020, 5, 12)),
        ("3 من أغسطس، 2021", date(2021, 8, 3)),
        ("12/11/2019", date(2019, 11, 12)),
        ("March 3, 2024", date(2024, 3, 3)),
        ("31 فبراير 2020", None),  # not a real day
        ("منذ زمن بعيد", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_parse_plain_text_keeps_spans_valid():
    raw = "عنوان قصير للخبر\n\nبيروت - 1 يناير 2020 (رويترز) - نص الخبر هنا.\n"
    parsed = parse_plain_text(raw)
    assert parsed.dateline is not None
    span = parsed.text[parsed.dateline.start : parsed.dateline.end]
    assert span.startswith("بيروت") and "(رويترز)" in span


# -- HTML --------------------------------------------------------------------------------------


def test_html_article_text_and_metadata():
    doc = read_one(FIXTURES / "html" / "article.html")
    assert doc.title == "مجلس الأمن يناقش تمديد مهمة البعثة"
    assert doc.source == "صحيفة الأفق"
    assert doc.published == date(2021, 6, 14)
    assert doc.url == "https://alofoq.example/news/1234"
    assert doc.text.startswith("ناقش مجلس الأمن الدولي")  # headline not repeated in the text
    assert "وقال دبلوماسيون" in doc.text and "خفضه تدريجياً" in doc.text
    for boilerplate in ("الرئيسية", "جميع الحقوق محفوظة", "الأكثر قراءة"):
        assert boilerplate not in doc.text
    assert "\n\n" in doc.text  # paragraphs separated by a blank line


def test_html_in_a_declared_legacy_charset(tmp_path):
    html = file_text(FIXTURES / "html" / "article.html").replace(
        '<meta charset="utf-8">', '<meta charset="windows-1256">'
    )
    path = tmp_path / "legacy.htm"
    path.write_bytes(html.encode("cp1256"))
    doc = read_one(path)
    assert doc.title == "مجلس الأمن يناقش تمديد مهمة البعثة"
    assert "وقال دبلوماسيون" in doc.text


def test_html_sniffed_without_extension(tmp_path):
    path = tmp_path / "page"
    shutil.copy(FIXTURES / "html" / "article.html", path)
    assert read_one(path).source == "صحيفة الأفق"


# -- feeds -------------------------------------------------------------------------------------


def test_rss_items_become_documents_and_an_empty_item_is_rejected():
    path = FIXTURES / "feeds" / "news.rss"
    items = list(read_paths([path]))
    docs = [i for i in items if isinstance(i, Document)]
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert [d.title for d in docs] == [
        "افتتاح محطة تحلية جديدة على الساحل الشرقي",
        "ارتفاع صادرات التمور & الخضروات",
    ]
    assert {d.source for d in docs} == {"وكالة أنباء الواحة"}
    assert [d.published for d in docs] == [date(2023, 9, 5), date(2023, 9, 6)]
    assert docs[0].url == "https://alwaha.example/news/101"
    assert docs[0].text.split("\n\n") == [
        "افتتح وزير المياه محطة لتحلية مياه البحر بطاقة إنتاجية تبلغ مئة ألف متر مكعب يومياً.",
        "وتغطي المحطة حاجة ثلاث مدن ساحلية من مياه الشرب.",
    ]
    # Full content preferred over the summary; markup and scripts removed.
    assert "بنسبة عشرين في المئة" in docs[1].text
    assert "ملخص قصير" not in docs[1].text and "track" not in docs[1].text
    assert docs[0].path == f"{path}#1"
    assert len(rejected) == 1
    assert str(rejected[0]) == f"{path}: item 3 (عنوان بلا نص): no text"


def test_atom_entries():
    docs = list(read_paths([FIXTURES / "feeds" / "environment.atom"]))
    assert all(isinstance(d, Document) for d in docs)
    assert [d.published for d in docs] == [date(2022, 4, 1), date(2022, 4, 2)]
    assert docs[0].source == "نشرة المرصد البيئي"
    assert "<p>" not in docs[0].text and "الرعي الجائر" in docs[0].text
    assert docs[1].text.startswith("شارك أكثر من ألفي متطوع")


def test_feed_sniffed_from_xml_extension(tmp_path):
    path = tmp_path / "feed.xml"
    shutil.copy(FIXTURES / "feeds" / "news.rss", path)
    assert sum(isinstance(i, Document) for i in read_paths([path])) == 2


# -- JSON Lines --------------------------------------------------------------------------------


def test_jsonl_fields():
    path = FIXTURES / "jsonl" / "articles.jsonl"
    docs = list(read_paths([path]))
    assert all(isinstance(d, Document) for d in docs)
    first, second, third = docs
    assert (first.title, first.source, first.published, first.url) == (
        "افتتاح جسر جديد فوق الوادي",
        "صدى المدينة",
        date(2020, 2, 10),
        "https://sada.example/1",
    )
    assert second.title == "" and second.published == date(2020, 2, 11)
    assert third.source == "" and third.published is None
    assert [d.path for d in docs] == [f"{path}:{n}" for n in (1, 2, 3)]


def _records(n: int) -> list[dict]:
    places = ["الشمال", "الجنوب", "الشرق", "الغرب"]
    return [
        {
            "id": f"r{i}",
            "source": "صحيفة الاختبار",
            "title": f"خبر رقم {i}",
            "published": f"2021-01-{i % 28 + 1:02d}",
            "text": f"افتتحت البلدية في {places[i % 4]} الحديقة رقم {i} أمام الزوار.",
        }
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("suffix", "opener"),
    [(".jsonl.xz", lzma.open), (".jsonl.gz", gzip.open), (".jsonl.bz2", bz2.open)],
)
def test_compressed_jsonl_is_streamed(tmp_path, suffix, opener):
    path = tmp_path / f"corpus{suffix}"
    records = _records(3000)
    with opener(path, "wt", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    stream = read_paths([path])
    first = next(stream)  # available before the rest is read
    assert isinstance(first, Document) and first.title == "خبر رقم 0"
    rest = list(stream)
    assert all(isinstance(d, Document) for d in rest)
    assert len(rest) + 1 == 3000
    assert rest[-1].path == f"{path}:3000"


def test_json_array_file(tmp_path):
    path = tmp_path / "articles.json"
    path.write_text(json.dumps(_records(3) + [{"title": "بلا نص"}], ensure_ascii=False))
    items = list(read_paths([path]))
    assert sum(isinstance(i, Document) for i in items) == 3
    assert str(items[-1]) == f'{path}: item 4: no "text" field'


def test_real_saudinewsnet_first_200_lines():
    corpus = dataset_path("saudinewsnet", "articles.jsonl.xz", name="SaudiNewsNet")
    items = list(itertools.islice(read_paths([corpus]), 200))
    docs = [i for i in items if isinstance(i, Document)]
    assert len(items) == 200
    assert len(docs) >= 180
    assert all(re.fullmatch(r"[0-9a-f]{16}", d.id) for d in docs)
    assert all(d.source and d.text.strip() for d in docs)
    assert all(d.published and d.published.year == 2015 for d in docs)
    assert sum(bool(d.title) for d in docs) >= 180
    for r in items:
        if isinstance(r, Rejected):
            assert "\n" not in str(r) and str(r).startswith(f"{corpus}:")


# -- paths -------------------------------------------------------------------------------------


def test_folder_is_read_recursively_and_hidden_files_are_skipped():
    items = list(read_paths([FIXTURES]))
    paths = {i.path.split("#")[0].rsplit(":", 1)[0] for i in items if isinstance(i, Document)}
    assert str(FIXTURES / "nested" / "deeper" / "brief_note.txt") in paths
    assert not any(".draft" in p for p in paths)
    assert str(FIXTURES / "html" / "article.html") in paths


def test_glob_pattern(tmp_path):
    items = list(read_paths([str(FIXTURES / "txt" / "*_meta.txt")]))
    assert [i.source for i in items] == ["صحيفة الشاطئ"]
    items = list(read_paths([str(FIXTURES / "**" / "*.atom")]))
    assert len(items) == 2


def test_a_file_named_twice_is_read_once():
    path = FIXTURES / "txt" / "mission_reuters.txt"
    assert len(list(read_paths([path, str(path), FIXTURES / "txt" / ".." / "txt"]))) == 5


def test_same_content_in_two_files_has_one_id(tmp_path):
    for name in ("a.txt", "b.txt"):
        shutil.copy(FIXTURES / "txt" / "nile_dateline.txt", tmp_path / name)
    first, second = read_paths([tmp_path])
    assert first.id == second.id and first.path != second.path


def test_read_bytes_for_uploads():
    data = (FIXTURES / "txt" / "mission_reuters.txt").read_bytes()
    (doc,) = read_bytes(data, "upload.txt")
    assert doc.source == "رويترز" and doc.path == "upload.txt"
    (rejected,) = read_bytes(b"", "empty.txt")
    assert str(rejected) == "empty.txt: empty file"
