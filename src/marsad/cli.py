"""The `marsad` command line."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from marsad import __version__

app = typer.Typer(
    name="marsad",
    help="مرصد — Arabic news cross-source verification: what sources agree on, add, contradict and update.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
train_app = typer.Typer(
    help="Train the shipped models from the public data sets.", no_args_is_help=True
)
eval_app = typer.Typer(
    help="Score the models on the public data sets' test splits.", no_args_is_help=True
)
app.add_typer(train_app, name="train")
app.add_typer(eval_app, name="eval")

console = Console()
err = Console(stderr=True)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="SQLite store (default ./marsad.db or $MARSAD_DB)", envvar="MARSAD_DB"
    ),
]
FORMATS = ("text", "json", "md", "html")


def _fail(message: str) -> None:
    # the message is plain text (it may hold brackets: "marsad[transformer]") on one line
    err.print(f"[red]error:[/red] {escape(message)}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _tagger_or_fail() -> None:
    """Build the entity tagger now, so that a bad $MARSAD_NER_MODEL (or setting) is one line
    on stderr before any work starts."""
    from marsad.ner.base import TaggerError
    from marsad.pipeline import default_tagger

    try:
        default_tagger()
    except TaggerError as exc:
        _fail(str(exc))


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"--published: expected YYYY-MM-DD, got {value!r}")
    return None


def _open_store(db: Path | None):
    from marsad.store import Store, StoreError, default_db_path

    try:
        return Store(db or default_db_path())
    except StoreError as exc:
        _fail(str(exc))


@app.command()
def version() -> None:
    """Print the version."""
    console.print(__version__)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="files, folders or globs")],
    source: Annotated[str | None, typer.Option(help="override the outlet name")] = None,
    published: Annotated[str | None, typer.Option(help="override the date, YYYY-MM-DD")] = None,
    db: DbOption = None,
    batch: Annotated[int, typer.Option(help="documents stored per transaction")] = 500,
) -> None:
    """Read reports into the store, analyse them and update the stories."""
    from marsad.ingest import Rejected, read_paths
    from marsad.ner.base import TaggerError
    from marsad.service import IngestSession

    _tagger_or_fail()
    store = _open_store(db)
    rejected: list[Rejected] = []
    try:
        with store, IngestSession(store, batch_size=batch) as session:
            progress = Progress(
                TextColumn("[bold]ingest"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn(
                    "{task.fields[added]} added · {task.fields[dup]} duplicate · {task.fields[bad]} rejected"
                ),
                TimeElapsedColumn(),
                console=err,
                transient=False,
            )
            with progress:
                task = progress.add_task("ingest", total=None, added=0, dup=0, bad=0)
                for item in read_paths(paths, source=source, published=_parse_date(published)):
                    if isinstance(item, Rejected):
                        rejected.append(item)
                    else:
                        session.add(item)
                    progress.update(
                        task,
                        advance=1,
                        added=session.added,
                        dup=session.duplicates,
                        bad=len(rejected),
                    )
            session.flush()
            stories = session.rebuild_stories()
    except TaggerError as exc:  # a model that loads lazily fails on first use
        _fail(str(exc))
        return
    for r in rejected:
        err.print(f"[yellow]rejected[/yellow] {r}", highlight=False, markup=True)
    console.print(
        f"added {session.added}, duplicate {session.duplicates}, rejected {len(rejected)}; "
        f"{session.facts} facts; {stories} stories"
    )


@app.command()
def stories(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="how many to list")] = 50,
    min_sources: Annotated[int, typer.Option(help="only stories with this many outlets")] = 1,
) -> None:
    """List stories, newest first."""
    store = _open_store(db)
    with store:
        table = Table("id", "reports", "copies", "outlets", "dates", "title")
        shown = 0
        for story in store.stories():
            docs = [store.get_document(d) for d in story.doc_ids]
            outlets = {d.source for d in docs if d is not None}
            if len(outlets) < min_sources:
                continue
            copies = len(store.canonical_of(story.doc_ids))
            dates = f"{story.first or '?'} … {story.last or '?'}"
            table.add_row(
                story.id,
                str(len(story.doc_ids)),
                str(copies),
                str(len(outlets)),
                dates,
                escape(story.title),
            )
            shown += 1
            if shown >= limit:
                break
        console.print(table)


@app.command()
def brief(
    story: Annotated[str, typer.Argument(help="story id (see `marsad stories`)")],
    format: Annotated[str, typer.Option("--format", "-f", help="text|json|md|html")] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write to a file")] = None,
    db: DbOption = None,
) -> None:
    """The brief of a stored story."""
    from marsad.service import story_brief

    store = _open_store(db)
    with store:
        result = story_brief(store, story)
        if result is None:
            _fail(f"no story {story!r} in {store.path}")
        _emit(result, format, output)


@app.command()
def compare(
    files: Annotated[list[str], typer.Argument(help="two or more reports")],
    format: Annotated[str, typer.Option("--format", "-f", help="text|json|md|html")] = "text",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write to a file")] = None,
    source: Annotated[str | None, typer.Option(help="override the outlet name")] = None,
    published: Annotated[str | None, typer.Option(help="override the date, YYYY-MM-DD")] = None,
) -> None:
    """Compare reports in memory (no database)."""
    from marsad.ingest import Rejected, read_paths
    from marsad.ner.base import TaggerError
    from marsad.pipeline import compare_documents

    _tagger_or_fail()
    docs = []
    for item in read_paths(files, source=source, published=_parse_date(published)):
        if isinstance(item, Rejected):
            err.print(f"[yellow]rejected[/yellow] {item}", highlight=False, markup=True)
        else:
            docs.append(item)
    if len({d.id for d in docs}) < 2:
        _fail("compare needs at least two distinct readable reports")
    try:
        result = compare_documents(docs)
    except TaggerError as exc:  # a model that loads lazily fails on first use
        _fail(str(exc))
        return
    _emit(result, format, output)


def _emit(result, format: str, output: Path | None) -> None:
    from marsad.brief.render import render

    if format not in FORMATS:
        _fail(f"--format must be one of {', '.join(FORMATS)}, not {format!r}")
    if format == "text":
        from marsad.brief.console import print_brief

        print_brief(result, console)
        return
    rendered = render(result, format)
    if output:
        output.write_text(rendered, encoding="utf-8")
        err.print(f"wrote {output}")
    else:
        sys.stdout.write(rendered if rendered.endswith("\n") else rendered + "\n")


@app.command()
def entities(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="how many to list")] = 50,
    type: Annotated[str | None, typer.Option("--type", help="PER, ORG, GPE, LOC, ...")] = None,
) -> None:
    """Entities in the store, most mentioned first."""
    from marsad.service import store_entities

    store = _open_store(db)
    with store:
        table = Table("type", "name", "mentions", "documents", "aliases")
        for row in store_entities(store, type_filter=type, limit=limit):
            table.add_row(
                row["type"],
                escape(row["name"]),
                str(row["mentions"]),
                str(row["documents"]),
                escape("، ".join(row["aliases"][:5])),
            )
        console.print(table)


@app.command()
def facts(
    entity: Annotated[str, typer.Argument(help="a person, organisation or post, as written")],
    db: DbOption = None,
) -> None:
    """What the stored reports say about ENTITY over time: who held which post, since when,
    according to which report (later reports supersede, earlier ones stay visible)."""
    from marsad.kb.console import print_facts
    from marsad.store import StoreError

    store = _open_store(db)
    with store:
        try:
            print_facts(store, entity, console)
        except StoreError as exc:
            _fail(str(exc))


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="words to find (Arabic spelling variants match)")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="how many hits")] = 20,
) -> None:
    """Full-text search over all stored reports."""
    from marsad.store import StoreError

    store = _open_store(db)
    with store:
        try:
            hits = store.search(query, limit=limit)
        except StoreError as exc:
            _fail(str(exc))
        for hit in hits:
            console.print(
                f"[bold]{hit.title or hit.doc_id}[/bold] — {hit.source} {hit.published or ''}",
                highlight=False,
            )
            console.print(f"  {hit.snippet}", highlight=False, markup=False)
        if not hits:
            console.print("no match")


@app.command()
def demo(
    story: Annotated[str, typer.Option(help="bundled story to compare")] = "unifil-south-lebanon",
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML report to write")] = Path(
        "out/demo-brief.html"
    ),
) -> None:
    """Compare a bundled story, print its brief and write its HTML report."""
    from marsad.demo import sample_story_paths

    paths = sample_story_paths()
    if story not in paths:
        _fail(f"no bundled story {story!r}; choose one of: {', '.join(paths)}")
    files = [str(f) for f in paths[story]]
    console.rule(f"marsad demo · {story}")
    output.parent.mkdir(parents=True, exist_ok=True)
    compare(files, format="text", output=None, source=None, published=None)
    compare(files, format="html", output=output, source=None, published=None)


@app.command()
def bench(
    data: Annotated[
        Path | None, typer.Option(help="SaudiNewsNet JSONL(.xz); generated text when absent")
    ] = None,
    articles: Annotated[int, typer.Option(help="articles analysed per run")] = 300,
    runs: Annotated[int, typer.Option(help="runs (medians are reported)")] = 5,
    stories: Annotated[
        bool, typer.Option(help="also time near-duplicates and story building")
    ] = True,
    story_sizes: Annotated[
        str, typer.Option(help="sizes of the generated corpora for story building")
    ] = "100000,300000",
    stories_db: Annotated[
        Path | None,
        typer.Option(help="an analysed store of SaudiNewsNet: use its entities and terms"),
    ] = None,
) -> None:
    """Measure per-document analysis, compare latency and story building."""
    from marsad.bench import run_benchmarks

    run_benchmarks(console, data=data, articles=articles, runs=runs)
    if stories:
        from marsad.bench_stories import run_story_benchmarks

        sizes = tuple(int(n) for n in story_sizes.split(",") if n.strip())
        run_story_benchmarks(console, sizes=sizes, store=stories_db)


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="address to listen on (loopback unless --allow-remote)")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    allow_remote: Annotated[
        bool, typer.Option("--allow-remote", help="allow a non-loopback --host")
    ] = False,
    db: DbOption = None,
) -> None:
    """Serve the web app and the REST API (/api/v1) over the store."""
    from marsad.api.serve import serve as run_server
    from marsad.store import default_db_path

    _tagger_or_fail()  # a bad $MARSAD_NER_MODEL is one line now, not an error per request
    run_server(
        host=host, port=port, db_path=Path(db or default_db_path()), allow_remote=allow_remote
    )


@train_app.command("ner")
def train_ner_cmd(
    data: Annotated[Path, typer.Option(help="ANERcorp folder")] = Path(
        "../shared/datasets/anercorp"
    ),
    out: Annotated[Path | None, typer.Option(help="model file to write")] = None,
) -> None:
    """Train the CRF entity tagger on ANERcorp's train split (tuned on dev)."""
    from marsad.ner.train import main as train_main

    _require_dir(data)
    train_main(["--data", str(data)] + (["--out", str(out)] if out else []))


@train_app.command("ner-neural")
def train_ner_neural_cmd(
    data: Annotated[Path, typer.Option(help="ANERcorp folder")] = Path(
        "../shared/datasets/anercorp"
    ),
    articles: Annotated[
        Path, typer.Option(help="unlabelled news (JSONL.xz) for word vectors")
    ] = Path("../shared/datasets/saudinewsnet/articles.jsonl.xz"),
    vectors: Annotated[Path, typer.Option(help="word vectors file, built when missing")] = Path(
        "build/ner/vectors.npz"
    ),
    out: Annotated[
        Path | None, typer.Option(help="folder for the model files (default: the shipped ones)")
    ] = None,
    seeds: Annotated[
        int, typer.Option(help="networks to train (seeds 1..N); all shipped ones are averaged")
    ] = 1,
    context_lm: Annotated[
        Path, typer.Option(help="news language model file, built when missing")
    ] = Path("build/ner/context-lm.npz"),
    plain: Annotated[
        bool, typer.Option("--plain", help="train without the news language model")
    ] = False,
) -> None:
    """Train the neural entity tagger (needs PyTorch: pip install '.[train]') on ANERcorp's
    train split, with word vectors and a language model learnt from unlabelled news; dev
    picks the epoch."""
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        _fail("training the neural tagger needs PyTorch: pip install '.[train]'")
    _require_dir(data)
    if seeds < 1:
        _fail("--seeds: at least 1")
    if not vectors.exists():
        if not articles.is_file():
            _fail(f"{articles}: no such file (word vectors are learnt from it)")
        from marsad.ner.vectors import main as vectors_main

        vectors_main(["--articles", str(articles), "--out", str(vectors)])
    if not plain and not context_lm.exists():
        if not articles.is_file():
            _fail(f"{articles}: no such file (the language model is learnt from it)")
        from marsad.ner.context_lm import main as context_lm_main

        context_lm_main(
            ["--articles", str(articles), "--vectors", str(vectors), "--out", str(context_lm)]
        )
    from marsad.ner.neural import default_neural_path, seed_file_name
    from marsad.ner.neural_train import main as neural_main

    folder = out or default_neural_path().parent
    for seed in range(1, seeds + 1):
        neural_main(
            ["--data", str(data), "--vectors", str(vectors), "--seed", str(seed)]
            + ["--out", str(folder / seed_file_name(seed))]
            + ([] if plain else ["--context-lm", str(context_lm)])
        )


@train_app.command("stance")
def train_stance_cmd(
    data: Annotated[Path, typer.Option(help="ANS folder")] = Path("../shared/datasets/ans"),
    out: Annotated[Path | None, typer.Option(help="model file to write")] = None,
) -> None:
    """Train the stance pair classifier on ANS train (tuned on dev)."""
    from marsad.compare.train_stance import main as train_main

    _require_dir(data)
    train_main(["--data", str(data)] + (["--out", str(out)] if out else []))


@eval_app.command("ner")
def eval_ner_cmd(
    data: Annotated[Path, typer.Option(help="ANERcorp folder")] = Path(
        "../shared/datasets/anercorp"
    ),
    split: Annotated[str, typer.Option(help="test (once, at the end) or dev (tuning)")] = "test",
    model: Annotated[Path | None, typer.Option(help="CRF model file (default: shipped)")] = None,
    neural: Annotated[
        str, typer.Option(help="neural model mixed in: shipped, none, or a .npz path")
    ] = "shipped",
) -> None:
    """Entity-F1 of the shipped tagger on ANERcorp's test split."""
    from marsad.eval.ner import main as eval_main

    _require_dir(data)
    if split not in ("dev", "test"):
        _fail(f"--split: expected dev or test, got {split!r}")
    if neural not in ("shipped", "none") and not Path(neural).is_file():
        _fail(f"--neural: {neural}: no such model file")
    eval_main(
        ["--data", str(data), "--split", split, "--neural", neural]
        + (["--model", str(model)] if model else [])
    )


@eval_app.command("stance")
def eval_stance_cmd(
    data: Annotated[Path, typer.Option(help="ANS folder")] = Path("../shared/datasets/ans"),
) -> None:
    """Macro-F1 of the shipped stance classifier on ANS's test split."""
    from marsad.eval.stance import main as eval_main

    _require_dir(data)
    eval_main(["--data", str(data)])


def _require_dir(path: Path) -> None:
    if not path.is_dir():
        _fail(f"{path}: no such data set folder")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
