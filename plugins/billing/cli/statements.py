"""``medoffice billing statements``: a statement for every patient with a balance due."""

from __future__ import annotations

from pathlib import Path

import click

from medoffice.core.cli import emit, files_operation, json_option
from medoffice.core.cli.params import FolderToWrite

from ._lazy import on_first_use
from ._root import billing

statements = on_first_use("statements")


@billing.command("statements")
@click.option("--on", "on", help="The statement date, YYYY-MM-DD (default today).")
@click.option("--since", help="Show activity after this day (default: since each patient's last statement).")
@click.option("--patient", "mrns", multiple=True, help="Only this patient (MRN); may be repeated.")
@click.option("--pdf", "pdf_dir", type=FolderToWrite(path_type=Path),
              help="Also write each statement as a PDF into this folder.")
@click.option("--preview", is_flag=True, help="Show the statements without recording them.")
@json_option
def statements_command(on, since, mrns, pdf_dir, preview, as_json) -> None:
    """Make a statement for every patient with a balance due (text, and PDF with --pdf).

    Each is recorded, so the next one shows the activity since; a patient already sent one
    that day is left out.
    """
    with files_operation(write=not preview) as (ctx, out):  # PDFs in place only once the statements are recorded
        documents = statements.make_statements(ctx, on=on, since=since, mrns=mrns, record=not preview)
        files = statements.write_pdfs(ctx, documents, pdf_dir, out.write) if pdf_dir is not None else []
        texts = [statements.render_text(doc, ctx.practice) for doc in documents]
    if as_json:
        emit([{"statement": doc, "aging": doc.aging_buckets, "file": str(path) if files else None, "text": text}
              for doc, text, path in zip(documents, texts, files or [None] * len(documents), strict=True)],
             as_json=True)
        return
    if not documents:
        click.echo("no patient has a balance due (or every one was sent a statement today)")
    for text in texts:
        click.echo(text)
        click.echo("\f" if len(texts) > 1 else "", nl=False)
    for path in files:
        click.echo(f"wrote {path}")
