"""Build ``marsad/text/lexicons/clitic_exceptions.txt`` from SaudiNewsNet word counts.

The list holds normalised words whose first letter (و ف ب ل ك) or first two letters (ال) belong
to the word rather than being a proclitic, so ``strip_clitics`` must not remove them: وزير, لبنان,
فرنسا, كامل, ألمانيا (written المانيا), التزام...

A word ``w = c + rest`` (c in و ف ب ل ك, ``len(rest) >= 3``, seen at least MIN_COUNT times) is
listed when the corpus says ``c`` is a root letter:
  * ``rest`` and its other clitic forms are almost absent (below 2 % of ``w``), or
  * ``w`` itself takes proclitics and the article (الوزير, بوزير) at least as often as ``rest``
    occurs in any form: a word that takes the article is a word, not a clitic form.
A word ``ال + rest`` is listed when ``ال`` is not the article: the word itself takes the
article (الالتزام, بالالكتروني) more often than ``rest`` occurs without it.
Hand-reviewed additions and removals (below) fix what the counts cannot see.

Usage: python scripts/build_clitic_exceptions.py [path/to/articles.jsonl.xz]
"""

from __future__ import annotations

import json
import lzma
import re
import sys
from collections import Counter
from pathlib import Path

from marsad.text.normalise import norm

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "datasets" / "saudinewsnet" / "articles.jsonl.xz"
OUT = ROOT / "src" / "marsad" / "text" / "lexicons" / "clitic_exceptions.txt"
MIN_COUNT = 20

_WORD = re.compile(r"[\u0621-\u063A\u0641-\u064A]+")

# Root-initial words the counts misjudge (their bare remainder is itself a frequent word, or
# they never take the article: verbs, particles, names). Reviewed by hand.
MANUAL_KEEP = """
كانت كانتا كانوا فيها فيهما فيهم فينا ليست ليسوا لبنان لديها لدينا لديهن لديك لديه لديهم
بعدها بعده بعدما كشفت بعيد بعيدا بعيده بندر باراك بشار لويس بكين باشرت باشر بموجب بموجبه
وصوله وصول لاحق لاحقا بلاتيني فورا بيانا بيانه بيانها بياناتها بارك بحاح كتبت كتبه كتبا
فريقا فريقها بينه بينها بينهم بديلا لكني لكنك لكنه لكنها لكنهم لكننا لادن بيتر براون كونج
كريري كافيا فعلت فعله فعلا فعلي فعليا فعلوا فعال فعاليه لحقت كوباني لودر بدانا باولو لاحظ
لاحظت لوحظ بورز بنيت بذلت بيتا لوران بلدا باور فينجر بداها باسلمه بارزا فوزا فوزيه باردو
كرمت بتال بيكر بادرت بادر كواك كراتشي بيرسي باكرا كنتم كنت كنا فنانا لعبها لعبت فانينج فاجا
فاجات لفتت لينش بيير بتاتا باتريك باوسون بوريس بدرو كثرت كافرا كارول فلوريس لطفي بولز بريدج
لوغار بلقاسم بلغوا بلغت باسل لعلكم لعله لعلها لايمكن بغيه وجيز وجيزه وقعا وعودا وعود واصفه
وفدا وفد بسمتهم كلاما كلام لجانا واحد واحدا واحده فيصل كامل كامله كاملا كاملين فكره فكرته
كيري وادي وجهه بريده بطاقه بطاقات كميه كميات وافق وافقت واصل واصلت وجوده وجودها فتحت ليلا
فريد فريده بيته بيتي فداء فصول كليا كمال فيلا بقيت بقي فوكس وايل لوزان كندا كابل بلدي بنات
كيان لقوا وصفه وضعه وضعها ولاده ولدي وسام ورقه ورش وفيات فاقت فردا بوست بابا بنيه لقايه
ليلي فواد بقاء كوبا كونه كونها كونهم كلها كلهم كلنا كلاهما كليهما كلما كلمه بلغه وجدت
وجدوا والد والده والدي والدها والدته والدتها والداه والديه والدتي بالغ
بالغه بالغا بالغين فالح والتر فيات لاعب لاعبا لاعبين لاعبو لاجي لاجيين وزير وزراء
""".split()

# Words starting with ال where ال is not the article (mostly hamza dropped: ألمانيا, إلغاء,
# آلاف, إليه), plus relative pronouns and particles whose stem would be a different word.
MANUAL_KEEP_AL = """
الله اللهم التي الذي الذين اللذان اللذين اللتان اللتين اللاتي اللواتي اللايي الان
الفا الاف الافا الفين الفي اليه اليها اليهم اليهما اليك اليكم الينا اليات اليه الم الما
المانيا المانيه الماني المان القي القاه القاها القت القوا التقي التقت التقيت التقوا التقط
التقطت التقاط التحق التحقت التحقوا التحاق التزم التزمت التزام التزامات التزاما التزامه
التزامها التزامهم الغاء الغي الغت الغيت الغام الزام الزامي الزاميه الكتروني الكترونيه
الكترونيا البانيا الكسندر اليزابيث الاسكا الكسيس اليكسيس العاب القاب الوان الواح البوم
الهام التهاب التهابات التفاف التماس الحاح الحاق الحاقا اليس اليسا الياف
""".split()

# Clitic forms that the counts would keep (fixed expressions that nearly always carry the clitic).
MANUAL_STRIP = """
بالاضافه بمثابه بالانابه والسلوان باكملها برمته واضاف واضافت واضافوا
""".split()


def count_words(corpus: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    with lzma.open(corpus, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            counts.update(_WORD.findall(norm(d.get("title", "") + " " + d.get("text", ""))))
    return counts


def root_initial(counts: Counter[str]) -> set[str]:
    g = counts.get
    keep: set[str] = set()
    for w, n in counts.items():
        if n < MIN_COUNT or w[0] not in "وفبلك" or w.startswith("لل"):
            continue
        rest = w[1:]
        if len(rest) < 3 or rest.startswith("ال"):
            continue  # a letter before the article is always a proclitic (hand list aside)
        forms = {rest} | {p + rest for p in "وفبلك"}
        forms |= {p + rest for p in ("ال", "وال", "بال", "لل", "فال")}
        forms.discard(w)
        as_clitic = sum(g(f, 0) for f in forms)
        prefixes = ("ب", "ل", "ك", "ال", "بال", "لل")
        if w[0] in "وف":
            prefixes += ("و", "ف", "وال", "فال")
        as_word = sum(g(p + w, 0) for p in prefixes)
        if as_clitic < 0.02 * n or as_word >= as_clitic:
            keep.add(w)
    return keep


def non_article(counts: Counter[str]) -> set[str]:
    g = counts.get
    keep: set[str] = set()
    for w, n in counts.items():
        if n < MIN_COUNT or not w.startswith("ال") or len(w) < 4:
            continue
        rest = w[2:]
        bare = g(rest, 0) + sum(g(p + rest, 0) for p in "وفبك") + g("لل" + rest, 0)
        with_article = sum(g(p + w, 0) for p in ("ال", "بال", "وال", "لل", "فال", "كال"))
        if with_article >= max(3, 0.05 * n) and with_article > bare:
            keep.add(w)
    return keep


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    counts = count_words(corpus)
    words = root_initial(counts) | non_article(counts)
    words |= {norm(w) for w in MANUAL_KEEP + MANUAL_KEEP_AL}
    words -= {norm(w) for w in MANUAL_STRIP}
    header = (
        "# Normalised words whose initial و ف ب ل ك (or ال) is part of the word, not a proclitic:\n"
        "# strip_clitics leaves them whole. Built by scripts/build_clitic_exceptions.py from word\n"
        "# counts over SaudiNewsNet (CC BY-NC-SA 4.0; only the word list is kept) plus a\n"
        "# hand-reviewed list. One word a line.\n"
    )
    OUT.write_text(header + "\n".join(sorted(words)) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {OUT}")


if __name__ == "__main__":
    main()
