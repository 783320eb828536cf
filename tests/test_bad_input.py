"""Bad input: each problem is one line naming the file, and the rest of the batch goes on."""

from __future__ import annotations

import builtins
import json
import lzma
import os
import shutil
import time
from pathlib import Path

import pytest

from marsad.ingest import Rejected, read_paths
from marsad.model import Document
from marsad.store import Store, StoreError

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
GOOD = FIXTURES / "txt" / "mission_reuters.txt"
RUNNING_AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

NAV_ONLY_PAGE = """<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>صحيفة الأفق - الرئيسية</title></head><body>
<nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/world">العالم</a></li>
<li><a href="/economy">اقتصاد</a></li><li><a href="/sport">رياضة</a></li></ul></nav>
<form><input name="q" placeholder="بحث"><button>ابحث</button></form>
<footer><a href="/privacy">سياسة الخصوصية</a> <a href="/contact">اتصل بنا</a></footer>
</body></html>"""


def batch(tmp_path: Path, bad_name: str, bad_content: bytes) -> tuple[Path, Path]:
    """A folder holding one bad file between two good ones."""
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(GOOD, folder / "a_good.txt")
    shutil.copy(FIXTURES / "txt" / "nile_dateline.txt", folder / "z_good.txt")
    bad = folder / bad_name
    bad.write_bytes(bad_content)
    return folder, bad


def read_batch(folder: Path, **kwargs) -> tuple[list[Document], list[Rejected]]:
    items = list(read_paths([folder], **kwargs))
    docs = [i for i in items if isinstance(i, Document)]
    rejected = [i for i in items if isinstance(i, Rejected)]
    assert len(docs) + len(rejected) == len(items)
    return docs, rejected


def assert_one_rejection(rejected: list[Rejected], bad: Path, *words: str) -> str:
    assert len(rejected) == 1, [str(r) for r in rejected]
    message = str(rejected[0])
    assert "\n" not in message and "Traceback" not in message
    assert message.startswith(f"{bad}:")
    for word in words:
        assert word in message, message
    return message


def assert_rest_read(docs: list[Document]) -> None:
    assert sorted(Path(d.path).name for d in docs) == ["a_good.txt", "z_good.txt"]


def test_empty_file(tmp_path):
    folder, bad = batch(tmp_path, "empty.txt", b"")
    docs, rejected = read_batch(folder)
    assert str(rejected[0]) == f"{bad}: empty file"
    assert_rest_read(docs)


def test_whitespace_only_file(tmp_path):
    folder, bad = batch(tmp_path, "blank.txt", b"  \n\n\t \n")
    docs, rejected = read_batch(folder)
    assert_one_rejection(rejected, bad, "empty file")
    assert_rest_read(docs)


@pytest.mark.parametrize("name", ["photo.txt", "photo.png", "photo"])
def test_binary_file(tmp_path, name):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    folder, bad = batch(tmp_path, name, png)
    docs, rejected = read_batch(folder)
    assert_one_rejection(rejected, bad, "binary file", "PNG")
    assert_rest_read(docs)


def test_binary_data_without_a_known_signature(tmp_path):
    folder, bad = batch(tmp_path, "data.txt", b"abc\x00\x01\x02" * 500)
    docs, rejected = read_batch(folder)
    assert_one_rejection(rejected, bad, "binary file")
    assert_rest_read(docs)


def test_invalid_utf8(tmp_path):
    content = "بيروت - قال مسؤولون في الأمم المتحدة إن المحادثات مستمرة.".encode("cp1256")
    folder, bad = batch(tmp_path, "legacy.txt", content)
    docs, rejected = read_batch(folder)
    message = assert_one_rejection(rejected, bad, "invalid UTF-8 at byte 0")
    assert "Windows-1256" in message  # says what the file probably is
    assert_rest_read(docs)


def test_html_page_with_no_article_text(tmp_path):
    folder, bad = batch(tmp_path, "home.html", NAV_ONLY_PAGE.encode("utf-8"))
    docs, rejected = read_batch(folder)
    assert_one_rejection(rejected, bad, "no article text")
    assert_rest_read(docs)


def test_file_over_the_size_limit_is_rejected_without_reading_it(tmp_path, monkeypatch):
    folder, bad = batch(tmp_path, "huge.txt", b"")
    with open(bad, "wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing written
    opened = []
    real_open = builtins.open
    monkeypatch.setattr(
        builtins, "open", lambda p, *a, **k: opened.append(str(p)) or real_open(p, *a, **k)
    )
    started = time.perf_counter()
    docs, rejected = read_batch(folder)
    elapsed = time.perf_counter() - started
    assert_one_rejection(rejected, bad, "file too large", "50.0 MB", "20.0 MB")
    assert str(bad) not in opened
    assert elapsed < 2.0
    assert_rest_read(docs)


def test_size_limit_is_configurable(tmp_path):
    folder, bad = batch(tmp_path, "long.txt", ("جملة عربية طويلة. " * 400).encode("utf-8"))
    docs, rejected = read_batch(folder, max_bytes=4096)
    assert_one_rejection(rejected, bad, "file too large", "limit 4.0 KB")
    assert_rest_read(docs)


def _jsonl_lines() -> list[str]:
    rows = [
        {"title": "خبر أول", "text": "افتتحت الوزارة مستشفى جديداً في المدينة."},
        {"title": "خبر ثان", "text": "أعلنت البلدية إغلاق الطريق الساحلي للصيانة."},
        {"title": "خبر ثالث", "text": "ارتفعت درجات الحرارة إلى مستويات قياسية."},
    ]
    return [json.dumps(r, ensure_ascii=False) for r in rows]


def test_jsonl_with_one_broken_line(tmp_path):
    lines = _jsonl_lines()
    lines.insert(1, '{"title": "خبر مكسور", "text": "نص بلا نهاية')
    folder, bad = batch(tmp_path, "feed.jsonl", ("\n".join(lines) + "\n").encode("utf-8"))
    docs, rejected = read_batch(folder)
    message = assert_one_rejection(rejected, bad, "invalid JSON")
    assert message.startswith(f"{bad}:2: invalid JSON")
    assert rejected[0].line == 2
    titles = [d.title for d in docs if d.path.startswith(str(bad))]
    assert titles == ["خبر أول", "خبر ثان", "خبر ثالث"]
    assert len(docs) == 5


def test_jsonl_record_problems_are_reported_per_line(tmp_path):
    lines = _jsonl_lines() + ["[1, 2]", '{"title": "بلا نص"}', '{"text": 42}', '{"text": "  "}']
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_paths([path]))
    messages = [str(i) for i in items if isinstance(i, Rejected)]
    assert messages == [
        f"{path}:4: not a JSON object (found list)",
        f'{path}:5: no "text" field',
        f'{path}:6: "text" is not a string (found int)',
        f"{path}:7: empty text",
    ]
    assert sum(isinstance(i, Document) for i in items) == 3


def test_jsonl_line_over_the_limit(tmp_path):
    lines = _jsonl_lines()
    lines.insert(2, json.dumps({"text": "كلمة " * 5000}, ensure_ascii=False))
    path = tmp_path / "big_line.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_paths([path], max_bytes=8192))
    rejected = [str(i) for i in items if isinstance(i, Rejected)]
    assert rejected == [f"{path}:3: line longer than the limit of 8.0 KB"]
    assert [i.title for i in items if isinstance(i, Document)] == ["خبر أول", "خبر ثان", "خبر ثالث"]


def test_truncated_xz_stream(tmp_path):
    data = lzma.compress(("\n".join(_jsonl_lines() * 200) + "\n").encode("utf-8"))
    folder, bad = batch(tmp_path, "corpus.jsonl.xz", data[: len(data) // 2])
    docs, rejected = read_batch(folder)
    assert_one_rejection(rejected, bad, "corrupt or truncated data")
    assert rejected[0].line is not None
    assert len([d for d in docs if d.path.startswith(str(bad))]) > 0  # what came before it
    assert {Path(d.path).name for d in docs} >= {"a_good.txt", "z_good.txt"}


def test_text_file_named_jsonl_stops_early(tmp_path):
    path = tmp_path / "notes.jsonl"
    path.write_text("سطر عادي ليس JSON\n" * 500, encoding="utf-8")
    items = [str(i) for i in read_paths([path])]
    assert len(items) <= 25
    assert items[-1] == f"{path}: first 20 lines are all invalid; not JSON Lines?"


def test_file_that_is_not_a_feed(tmp_path):
    folder, bad = batch(tmp_path, "news.rss", "هذا ليس ملف RSS".encode())
    docs, rejected = read_batch(folder)
    assert_one_rejection(rejected, bad, "RSS/Atom")
    assert_rest_read(docs)


def test_missing_path_and_unmatched_glob(tmp_path):
    items = list(read_paths([tmp_path / "nothing.txt", str(tmp_path / "*.html"), "", GOOD]))
    assert [str(i) for i in items[:3]] == [
        f"{tmp_path / 'nothing.txt'}: no such file or folder",
        f"{tmp_path / '*.html'}: no files match this pattern",
        "'': empty path",
    ]
    assert isinstance(items[3], Document)


@pytest.mark.skipif(RUNNING_AS_ROOT, reason="root reads files whatever their mode")
def test_unreadable_file_real_permissions(tmp_path):
    folder, bad = batch(tmp_path, "secret.txt", GOOD.read_bytes())
    bad.chmod(0)
    try:
        docs, rejected = read_batch(folder)
    finally:
        bad.chmod(0o644)
    assert_one_rejection(rejected, bad, "permission denied")
    assert_rest_read(docs)


def test_unreadable_file(tmp_path, monkeypatch):
    """chmod 000 does not stop root, so the refusal is simulated at open()."""
    folder, bad = batch(tmp_path, "secret.txt", GOOD.read_bytes())
    real_open = builtins.open

    def guarded_open(path, *args, **kwargs):
        if str(path) == str(bad):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    docs, rejected = read_batch(folder)
    assert_one_rejection(rejected, bad, "permission denied")
    assert_rest_read(docs)


def test_unreadable_subfolder(tmp_path, monkeypatch):
    folder, _ = batch(tmp_path, "b_good.txt", GOOD.read_bytes())
    locked = folder / "locked"
    locked.mkdir()
    shutil.copy(GOOD, locked / "inside.txt")
    real_scandir = os.scandir

    def guarded_scandir(path="."):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", guarded_scandir)
    items = list(read_paths([folder]))
    rejected = [str(i) for i in items if isinstance(i, Rejected)]
    assert rejected == [f"{locked}: cannot read folder: permission denied"]
    assert sum(isinstance(i, Document) for i in items) == 3


def test_no_traceback_reaches_the_user(tmp_path, capsys):
    folder, _ = batch(tmp_path, "bad.html", b"\xff\xfe\x00garbage")
    (folder / "empty.jsonl").write_bytes(b"")
    (folder / "cut.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00broken")
    items = list(read_paths([folder]))
    messages = [str(i) for i in items if isinstance(i, Rejected)]
    assert len(messages) == 3
    assert f"{folder / 'cut.jsonl.gz'}: corrupt or truncated compressed data" in messages[1]
    assert not any("unexpected error" in m for m in messages)
    assert "Traceback" not in capsys.readouterr().err


# -- with the store ------------------------------------------------------------------------------


def _snapshot(store: Store) -> dict[str, tuple]:
    return {
        d.id: (d.text, d.title, d.source, d.published, d.path, d.url)
        for d in store.iter_documents()
    }


def test_a_batch_with_bad_files_leaves_what_was_stored_untouched(tmp_path):
    with Store(tmp_path / "marsad.db") as store:
        first = [
            d
            for d in read_paths([FIXTURES / "jsonl", FIXTURES / "feeds"])
            if isinstance(d, Document)
        ]
        store.add_documents(first)
        before = _snapshot(store)
        assert len(before) == len(first) == 7

        folder, _ = batch(tmp_path, "broken.jsonl", b'{"text": "\n')
        (folder / "empty.txt").write_bytes(b"")
        (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
        # The second batch repeats one stored document: it must stay as first stored.
        shutil.copy(FIXTURES / "jsonl" / "articles.jsonl", folder / "again.jsonl")
        items = list(read_paths([folder], source="مصدر آخر"))
        docs = [i for i in items if isinstance(i, Document)]
        assert sum(isinstance(i, Rejected) for i in items) == 3

        result = store.add_documents(docs)
        assert len(result.added) == 2 and len(result.duplicates) == 3
        after = _snapshot(store)
        assert {k: after[k] for k in before} == before
        assert store.count() == 9


def test_a_failing_batch_stores_nothing(tmp_path):
    with Store(tmp_path / "marsad.db") as store:
        store.add_documents([d for d in read_paths([FIXTURES / "txt"]) if isinstance(d, Document)])
        before = _snapshot(store)
        good = list(read_paths([FIXTURES / "html", FIXTURES / "jsonl"]))
        broken = Document(id="broken", text=None)  # type: ignore[arg-type]
        with pytest.raises(StoreError, match="broken has no text"):
            store.add_documents([good[0], broken, good[1]])
        assert _snapshot(store) == before
        assert store.search("دبلوماسيون") == []  # nothing of the failed batch was indexed
