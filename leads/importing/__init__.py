"""CSV import of leads: one service behind the command, the admin page and the API.

``import_csv(file, options)`` streams the file, validates each row and writes
good rows in batches, each in its own transaction, so a crash loses at most the
batch in flight and running the same file again finds every earlier row as a
duplicate instead of creating it twice. A bad row is reported with its row
number, column, value and reason; the other rows still import. Rows whose value
is merely unusable (a malformed email, an unreadable date) import without that
value and the report says so as a warning. A dry run reads and checks everything
and writes nothing.

The rooms of the package, one job each:

- ``context``: the options, what the run reads once about the tenant, the report;
- ``rows``: one row's cells into a lead's values (errors and warnings);
- ``duplicates``: people seen before, in the file or the database, and erased people;
- ``writer``: new leads (``COPY`` on PostgreSQL), their tags, consents and vehicles, and
  the ``update`` or ``merge`` policy on the leads matched;
- ``importer``: the loop over the file, a batch at a time (``import_csv``, ``preview``);
- ``runs``: imports recorded as ``LeadImport``, queued and run in a task;
- ``attestation``: consent attested for a whole file, with its evidence, recorded per lead;
- ``history``: the one rule that keeps imported history out of speed to lead.

The report lists every duplicate row with the lead (or the earlier row) it matched, and every problem
with the row's name and email as the file wrote them.
"""

from .context import KEPT_ERRORS, ImportOptions, ImportReport
from .duplicates import SeenKeys
from .importer import BATCH_SIZE, Importer, import_csv, new_error_report, preview
from .runs import MAX_UPLOAD_BYTES, check_options, check_upload, create_import, options_of, queue_import, run_import
from .writer import COPY_COLUMNS

__all__ = [
    "BATCH_SIZE",
    "COPY_COLUMNS",
    "KEPT_ERRORS",
    "MAX_UPLOAD_BYTES",
    "ImportOptions",
    "ImportReport",
    "Importer",
    "SeenKeys",
    "check_options",
    "check_upload",
    "create_import",
    "import_csv",
    "new_error_report",
    "options_of",
    "preview",
    "queue_import",
    "run_import",
]
