"""Structured editors: how the admin edits a shaped JSON field (core.shapes) as a person would, by ticking,
typing and picking, never by writing JSON.

Each editor is a form widget that shows a stored value in words (checkboxes labelled with the choices'
names, a comma list, name and value rows, weekday rows of times, minutes per outcome) and turns what was
posted back into exactly the JSON its shape accepts. The field's ``ShapeValidator`` still checks that JSON,
so an end before its start or a word where minutes go is an error at the field, by path, as before.

``EDITORS`` names each shape's editor by the validator's name; ``TenantScopedFormfieldsMixin`` (admin_base)
gives it to every admin form of such a field, model admins and inlines alike. A shape in ``STAYS_JSON`` keeps
the JSON textarea, for the reason given; a form that declares its own field or widget keeps its own.

Round trips:
- an editor shows the stored value; one it cannot show (not of its shape) is shown as JSON text;
- saved unchanged, the stored JSON comes back exactly, order and types included: the page carries the
  value it showed (``<name>__shown``), and a post that reads the same as it returns it;
- posted under the field's own name, the value is JSON text, as the field took before it had an editor;
- an empty input means "not set": an empty row is left out (so the default applies: the stage's usual name,
  the default retries), a list with nothing ticked is empty.

Labels and defaults belong to the rooms above this one; they are named by import path, as ``ShapeValidator``
names its shape, and read when a form is built (docs/architecture.md#rooms).
"""

import json
import re
from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from unfold import widgets as unfold

from core.shapes import ShapeValidator, resolve

from .validators import WEEKDAYS

SCRIPT = "voice/js/json_editors.js"  # adds and removes rows; without it, rows are emptied to remove them
SHOWN = "__shown"
RAW_TEMPLATE = "admin/json_editors/raw.html"
BLANK_ROWS = 2  # empty rows under the stored ones, so a row can be added without the script
WEEKDAY_NAMES = dict(
    zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)
)
CLASSES = {  # Unfold's own, so the editors look like its widgets
    "input": " ".join(unfold.INPUT_CLASSES),
    "short": " ".join([*unfold.BASE_CLASSES, "px-3", "py-2", "w-32"]),
    "medium": " ".join([*unfold.BASE_CLASSES, "px-3", "py-2", "w-48"]),
    "textarea": " ".join([*unfold.TEXTAREA_CLASSES, *unfold.TEXTAREA_EXPANDABLE_CLASSES]),
    "checkbox": " ".join(unfold.CHECKBOX_CLASSES),
}
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?")
_SHOWN_TIME = re.compile(r"(([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?)?")  # what <input type="time"> can show
_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})?")  # what <input type="date"> can show


class Refused(str):
    """Posted rows no JSON value can hold (two rows of one name, a value with no name): JSON text of what could
    be read, which the form shows again, and the message the field refuses it with (``EditorField``)."""

    def __new__(cls, text: str, message: str):
        refused = super().__new__(cls, text)
        refused.message = message
        return refused


class Unreadable(Exception):
    """Raised by an editor's ``read``: why the posted rows cannot be stored, and what could be read of them."""

    def __init__(self, message: str, value):
        super().__init__(message)
        self.value = value


_UNSHOWABLE = object()  # a value an editor cannot show: the page shows its JSON text instead


class EditorField(forms.JSONField):
    """The model's JSON form field, refusing what an editor could not read (``Refused``), and checking the
    shape here so its errors are said as the editor shows the value ("Monday, hours 1: …", not "mon.0: …");
    the model's own check then has nothing left to say."""

    def __init__(self, *, shape_validator=None, **kwargs):
        super().__init__(**kwargs)
        self.shape_validator = shape_validator

    def to_python(self, value):
        if isinstance(value, Refused):
            raise ValidationError(value.message, code="invalid")
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if self.shape_validator is None or value in self.empty_values:
            return
        try:
            self.shape_validator(value)
        except ValidationError as error:
            raise ValidationError([self.widget.spoken(message) for message in error.messages]) from None


def _many(data, key) -> list[str]:
    if hasattr(data, "getlist"):
        return data.getlist(key)
    value = data.get(key)
    return list(value) if isinstance(value, list | tuple) else [] if value is None else [value]


def _one(parts: dict, key: str) -> str:
    values = parts.get(key) or [""]
    return str(values[-1]).replace("\r\n", "\n")  # a browser sends a textarea's line breaks as CRLF


def _rows(parts: dict) -> list[dict[str, str]]:
    """``{"0__key": [...], "0__value": [...], "1__key": ...}`` as rows, in their order on the page."""
    rows: dict[int, dict[str, str]] = {}
    for key in parts:
        index, _, column = key.partition("__")
        if index.isdigit() and column:
            rows.setdefault(int(index), {})[column] = _one(parts, key)
    return [rows[index] for index in sorted(rows)]


def _labels(*sources) -> dict[str, str]:
    """Code → words, from TextChoices classes, dicts or (code, label) pairs, each possibly named by import path."""
    labels = {}
    for source in sources:
        source = resolve(source) if isinstance(source, str) else source
        source = getattr(source, "choices", source)
        labels.update(source.items() if isinstance(source, dict) else source)
    return {str(code): str(label) for code, label in labels.items()}


def _duration(minutes: int) -> str:
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} day{'s' if days != 1 else ''}" if days else "", f"{hours} h" if hours else ""]
    return " ".join(p for p in [*parts, f"{mins} min" if mins else ""] if p)


class Editor(forms.Widget):
    """A shaped JSON value edited in parts, named ``<name>__<part>``. Each editor says which values it can show
    (``showable``), the inputs that show one (``inputs``: part → posted values), how posted parts read as a
    value (``read``) and what its template needs (``parts_context``)."""

    template_name = ""
    empty: list | dict = []

    def __init__(self, shape, *, help_text: str = "", attrs=None):
        super().__init__(attrs)
        self.shape = shape
        self.help_text = help_text

    def showable(self, value) -> bool:
        raise NotImplementedError

    def inputs(self, value) -> dict[str, list[str]]:
        raise NotImplementedError

    def read(self, parts: dict[str, list[str]], shown):
        raise NotImplementedError

    def parts_context(self, value) -> dict:
        raise NotImplementedError

    item_word = "item"  # what the n-th of a list is called in an error ("Monday, hours 2: …")

    def path_labels(self) -> dict[str, str]:
        return getattr(self, "labels", {})

    def spoken(self, message: str) -> str:
        """A shape's error with its path in words: "mon.0: …" is "Monday, hours 1: …"."""
        path, colon, rest = message.partition(": ")
        if not colon or " " in path:
            return message
        labels = self.path_labels()
        words = [f"{self.item_word} {int(p) + 1}" if p.isdigit() else labels.get(p, p) for p in path.split(".")]
        return f"{capfirst(', '.join(words))}: {rest}"

    # --- a post -----------------------------------------------------------------------------------

    def value_from_datadict(self, data, files, name):
        if name in data:
            return data.get(name)  # JSON text, under the field's own name: as before the editor
        if name + SHOWN not in data:
            return None
        shown = self._parsed(data.get(name + SHOWN))
        shown = shown if shown is not _UNSHOWABLE else None
        prefix = name + "__"
        parts = {key[len(prefix) :]: _many(data, key) for key in data if key.startswith(prefix) and key != name + SHOWN}
        try:
            value = self.read(parts, shown)
        except Unreadable as refused:
            return Refused(json.dumps(refused.value, ensure_ascii=False), str(refused))
        if shown is not None and value == self._reread(shown):
            value = shown  # unchanged: the stored JSON exactly (its order, its types)
        return json.dumps(value, ensure_ascii=False)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and name + SHOWN not in data

    def use_required_attribute(self, initial):
        return False

    def id_for_label(self, id_):
        return ""  # a group of inputs, each labelled in place

    def _reread(self, shown):
        try:
            return self.read(self.inputs(shown), shown)
        except Unreadable:
            return _UNSHOWABLE

    # --- a page -----------------------------------------------------------------------------------

    def _parsed(self, value):
        if value is None or value == "":
            return json.loads(json.dumps(self.empty))
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return _UNSHOWABLE
        return value if self.showable(value) else _UNSHOWABLE

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["id"] = widget["attrs"].get("id") or name
        current = self._parsed(value)
        if current is _UNSHOWABLE:
            widget["raw"] = "" if value is None else value if isinstance(value, str) else json.dumps(value)
            widget["classes"] = CLASSES
            return context
        widget.update(self.parts_context(current), shown=json.dumps(current, ensure_ascii=False), classes=CLASSES)
        return context

    def _render(self, template_name, context, renderer=None):
        # The project's templates (templates/admin/json_editors/), through the project's template engine.
        chosen = RAW_TEMPLATE if "raw" in context["widget"] else template_name
        return mark_safe(render_to_string(chosen, context))


class Choices(Editor):
    """A list of codes from known choices (consent purposes, outcomes, kinds): a checkbox each, in words.
    ``always`` names codes that apply whatever is stored (the law's restricted states): shown ticked and
    fixed, and stored with any other chosen, as the rule that reads them demands."""

    template_name = "admin/json_editors/choices.html"
    empty = []

    def __init__(self, shape, *, labels, always="", **kwargs):
        super().__init__(shape, **kwargs)
        self.labels = _labels(*(labels if isinstance(labels, tuple) else (labels,)))
        self.codes = tuple(getattr(shape.item, "choices", None) or self.labels)
        self.always = frozenset(resolve(always)) if always else frozenset()

    def showable(self, value):
        return (
            isinstance(value, list) and all(isinstance(code, str) for code in value) and len(set(value)) == len(value)
        )

    def inputs(self, value):
        return {"pick": [code for code in value if code not in self.always]}

    def _order(self, *lists) -> list[str]:
        return list(dict.fromkeys([*self.codes, *(code for codes in lists for code in codes)]))

    def read(self, parts, shown):
        picked = [code for code in parts.get("pick", []) if code not in self.always]
        chosen = {*picked, *self.always} if picked else set()
        return [code for code in self._order(shown or [], picked) if code in chosen]

    def parts_context(self, value):
        options = [
            {
                "code": code,
                "label": self.labels.get(code, code),
                "checked": code in value or code in self.always,
                "always": code in self.always,
            }
            for code in self._order(value)
        ]
        return {"options": options, "many": len(options) > 8}


class Words(Editor):
    """A list of free words or phrases (tags, escalation words) in one box, separated by commas."""

    template_name = "admin/json_editors/words.html"
    empty = []

    def __init__(self, shape, *, placeholder="", **kwargs):
        super().__init__(shape, **kwargs)
        self.placeholder = placeholder

    def showable(self, value):
        return isinstance(value, list) and all(isinstance(word, str) for word in value)

    def inputs(self, value):
        return {"text": [", ".join(value)]}

    def read(self, parts, shown):
        return [word.strip() for word in re.split(r"[,\n]", _one(parts, "text")) if word.strip()]

    def parts_context(self, value):
        return {"text": ", ".join(value), "placeholder": self.placeholder}

    def id_for_label(self, id_):
        return id_


class ListRows(Editor):
    """A list of dates or numbers, one input each (closed days, caller numbers); rows are added and removed."""

    template_name = "admin/json_editors/list_rows.html"
    empty = []

    class Media:
        js = [SCRIPT]

    def __init__(self, shape, *, input_type="text", placeholder="", add_label="Add one", item_word="item", **kwargs):
        super().__init__(shape, **kwargs)
        self.input_type, self.placeholder, self.add_label = input_type, placeholder, add_label
        self.item_word = item_word

    def showable(self, value):
        fits = _ISO_DATE.fullmatch if self.input_type == "date" else bool
        return isinstance(value, list) and all(isinstance(item, str) and fits(item) for item in value)

    def inputs(self, value):
        return {f"{index}__item": [item] for index, item in enumerate(value)}

    def read(self, parts, shown):
        return [row["item"].strip() for row in _rows(parts) if row.get("item", "").strip()]

    def parts_context(self, value):
        rows = [*value, *[""] * BLANK_ROWS]
        return {
            "rows": [{"index": index, "value": item} for index, item in enumerate(rows)],
            "input_type": self.input_type,
            "placeholder": self.placeholder,
            "add_label": self.add_label,
        }


def _display(value) -> str:
    """A custom field's value as its input shows it."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


class Rows(Editor):
    """Name → value rows (a lead's custom fields); rows are added and removed. A value keeps its type (a number,
    true/false) while its text is unchanged, or typed again as the same kind; anything else typed is text."""

    template_name = "admin/json_editors/rows.html"
    empty = {}

    class Media:
        js = [SCRIPT]

    def showable(self, value):
        return isinstance(value, dict) and not any(isinstance(item, dict | list) for item in value.values())

    def inputs(self, value):
        parts = {}
        for index, (key, item) in enumerate(value.items()):
            parts.update({f"{index}__key": [key], f"{index}__value": [_display(item)]})
        return parts

    def read(self, parts, shown):
        shown, value, problems = shown or {}, {}, []
        for row in _rows(parts):
            key, text = row.get("key", "").strip(), row.get("value", "")
            if not key and not text.strip():
                continue
            if not key:
                problems.append(f"“{text.strip()[:40]}” has no name: name it, or empty its row.")
            elif key in value:
                problems.append(f"“{key[:40]}” is named twice: give each row its own name.")
            else:
                value[key] = self._typed(text, shown.get(key, ""))
        if problems:
            raise Unreadable(" ".join(problems), value)
        return value

    @staticmethod
    def _typed(text: str, before):
        if text == _display(before):
            return before
        if isinstance(before, bool | int | float):
            try:
                again = json.loads(text)
            except ValueError:
                return text
            if type(again) is type(before) or {type(again), type(before)} == {int, float}:
                return again
        return text

    def parts_context(self, value):
        rows = [*((key, _display(item)) for key, item in value.items()), *[("", "")] * BLANK_ROWS]
        return {"rows": [{"index": index, "key": key, "value": text} for index, (key, text) in enumerate(rows)]}


class Checklist(Editor):
    """Points checked on a call, ticked when done (a QA review): ``{"identified_business": true}`` is the row
    "Identified business", ticked. A point is typed in words and stored in lower case with underscores."""

    template_name = "admin/json_editors/checklist.html"
    empty = {}

    class Media:
        js = [SCRIPT]

    @staticmethod
    def words(key: str) -> str:
        return key.replace("_", " ").capitalize()

    @staticmethod
    def key(words: str) -> str:
        return re.sub(r"[^a-z0-9]+", "_", words.strip().lower()).strip("_")

    def showable(self, value):
        return isinstance(value, dict) and all(isinstance(done, bool) for done in value.values())

    def inputs(self, value):
        parts = {}
        for index, (key, done) in enumerate(value.items()):
            parts.update({f"{index}__point": [self.words(key)], **({f"{index}__done": ["on"]} if done else {})})
        return parts

    def read(self, parts, shown):
        value, problems = {}, []
        for row in _rows(parts):
            key, done = self.key(row.get("point", "")), bool(row.get("done"))
            if not key and not done:
                continue
            if not key:
                problems.append("A ticked point has no name: name it, or untick it.")
            elif key in value:
                problems.append(f"“{self.words(key)}” is there twice.")
            else:
                value[key] = done
        if problems:
            raise Unreadable(" ".join(problems), value)
        return value

    def parts_context(self, value):
        rows = [*((self.words(key), done) for key, done in value.items()), *[("", False)] * BLANK_ROWS]
        return {"rows": [{"index": i, "point": point, "done": done} for i, (point, done) in enumerate(rows)]}


class Renames(Editor):
    """A name for each of a fixed set of codes (stage labels): a row per code, its usual name as placeholder;
    an empty row keeps the usual name."""

    template_name = "admin/json_editors/renames.html"
    empty = {}

    def __init__(self, shape, *, labels, **kwargs):
        super().__init__(shape, **kwargs)
        self.labels = _labels(labels)
        self.codes = tuple(shape.key.choices or self.labels)

    def showable(self, value):
        return isinstance(value, dict) and all(isinstance(name, str) for name in value.values())

    def inputs(self, value):
        return {code: [name] for code, name in value.items()}

    def read(self, parts, shown):
        codes = dict.fromkeys([*self.codes, *(shown or {}), *parts])
        return {code: _one(parts, code).strip() for code in codes if _one(parts, code).strip()}

    def parts_context(self, value):
        codes = dict.fromkeys([*self.codes, *value])
        rows = [{"code": c, "label": self.labels.get(c, c), "value": value.get(c, "")} for c in codes]
        return {"rows": rows}


class MinutesPerKey(Editor):
    """Lists of minutes per code (retries per outcome, reminders per kind): a row per code, the minutes as a
    comma list. An empty row is left out, so its default applies (shown as the placeholder)."""

    template_name = "admin/json_editors/minutes.html"
    empty = {}
    item_word = "entry"

    def __init__(self, shape, *, labels, defaults="", **kwargs):
        super().__init__(shape, **kwargs)
        self.labels = _labels(*(labels if isinstance(labels, tuple) else (labels,)))
        self.codes = tuple(shape.key.choices or self.labels)
        self.defaults = resolve(defaults) if defaults else {}

    def showable(self, value):
        return isinstance(value, dict) and all(isinstance(minutes, list) for minutes in value.values())

    def inputs(self, value):
        return {code: [", ".join(str(m) for m in minutes)] for code, minutes in value.items()}

    def read(self, parts, shown):
        value = {}
        for code in dict.fromkeys([*self.codes, *(shown or {}), *parts]):
            words = [word for word in re.split(r"[,\s]+", _one(parts, code)) if word]
            if words:
                value[code] = [int(word) if re.fullmatch(r"-?\d{1,9}", word) else word for word in words]
        return value

    def parts_context(self, value):
        rows = []
        for code in dict.fromkeys([*self.codes, *value]):
            minutes = value.get(code, [])
            spoken = all(isinstance(m, int) and not isinstance(m, bool) and m > 0 for m in minutes)
            rows.append(
                {
                    "code": code,
                    "label": self.labels.get(code, code),
                    "value": ", ".join(str(m) for m in minutes),
                    "placeholder": ", ".join(str(m) for m in self.defaults.get(code, [])),
                    "spoken": ", then ".join(_duration(m) for m in minutes) if minutes and spoken else "",
                }
            )
        return {"rows": rows}


def _clock(text: str) -> str:
    """A time input's value as the shapes write it: "9:00" and "09:00:00" are "09:00"; anything else stays."""
    text = text.strip()
    match = _CLOCK.fullmatch(text)
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else text


PAIR = 'Use an ["HH:MM", "HH:MM"] pair.'  # core.shapes.TimeSpan's message for a range that is no pair


class WeeklyHours(Editor):
    """Weekday → time ranges (calling windows, opening hours): Monday to Sunday, each with its from–to ranges;
    a day with none is closed. Ranges are added and removed; an empty one is left out."""

    template_name = "admin/json_editors/weekly_hours.html"
    empty = {}
    item_word = "hours"

    def path_labels(self):
        return WEEKDAY_NAMES

    def spoken(self, message):
        # A range with one time missing or not a time: what the shape says of its JSON, said of the two inputs.
        return super().spoken(message).replace(PAIR, "Give a start and an end time (HH:MM).")

    class Media:
        js = [SCRIPT]

    def __init__(self, shape, **kwargs):
        super().__init__(shape, **kwargs)
        span = shape.value.item  # a TimeSpan, maybe bounded (the legal calling hours): the help text names them
        self.earliest, self.latest = span.earliest, span.latest
        self.help_text = self.help_text.format(earliest=self.earliest, latest=self.latest)

    def showable(self, value):
        return (
            isinstance(value, dict)
            and set(value) <= set(WEEKDAYS)
            and all(
                isinstance(spans, list)
                and all(
                    isinstance(span, list)
                    and len(span) == 2
                    and all(isinstance(t, str) and _SHOWN_TIME.fullmatch(t) for t in span)
                    for span in spans
                )
                for spans in value.values()
            )
        )

    def inputs(self, value):
        parts = {}
        for day, spans in value.items():
            for index, (start, end) in enumerate(spans):
                parts.update({f"{day}__{index}__from": [start], f"{day}__{index}__to": [end]})
        return parts

    def read(self, parts, shown):
        value = {}
        for day in WEEKDAYS:
            prefix = f"{day}__"
            rows = _rows({key[len(prefix) :]: v for key, v in parts.items() if key.startswith(prefix)})
            spans = [[_clock(row.get("from", "")), _clock(row.get("to", ""))] for row in rows]
            spans = [span for span in spans if any(span)]
            if spans:
                value[day] = spans
        return value

    def parts_context(self, value):
        days = []
        for day in WEEKDAYS:
            spans = value.get(day) or []
            shown = spans or [["", ""]]  # a closed day offers one empty range, to open it without the script
            days.append(
                {
                    "code": day,
                    "label": WEEKDAY_NAMES[day],
                    "closed": not spans,
                    "spans": [{"index": index, "from": a, "to": b} for index, (a, b) in enumerate(shown)],
                    "next": len(shown),
                }
            )
        return {"days": days, "earliest": self.earliest, "latest": self.latest}


# --- which shape gets which editor ----------------------------------------------------------------------

EDITORS = {
    "campaigns.schemas.CALLING_WINDOWS": partial(
        WeeklyHours,
        help_text="When calls may start, per weekday, in each person's local time; always inside the legal "
        "calling hours ({earliest}–{latest}). A day with no hours is not called.",
    ),
    "tenants.schemas.BUSINESS_HOURS": partial(
        WeeklyHours, help_text="Opening hours per weekday; a day with no hours is closed."
    ),
    "campaigns.schemas.RETRY_MINUTES": partial(
        MinutesPerKey,
        labels="calls.models.Outcome",
        defaults="campaigns.models.DEFAULT_RETRY_MINUTES",
        help_text="Minutes to wait before each further attempt, per outcome, separated by commas (60 is an hour, "
        "1440 a day). Empty: the default shown.",
    ),
    "appointments.schemas.REMINDER_OFFSETS": partial(
        MinutesPerKey,
        labels=({"default": "Any kind"}, "appointments.models.Kind"),
        help_text="How long before the appointment each reminder goes out, in minutes, separated by commas "
        "(60 is an hour, 1440 a day). A kind left empty is reminded as “Any kind”.",
    ),
    "campaigns.schemas.FOLLOW_UP_OUTCOMES": partial(
        Choices, labels="calls.models.Outcome", help_text="The outcomes of a call that start this follow-up."
    ),
    "leads.schemas.CONSENT_PURPOSES": partial(
        Choices, labels="leads.purposes.Purpose", help_text="The calls this consent covers; none ticked covers all."
    ),
    "appointments.schemas.RULE_KINDS": partial(
        Choices, labels="appointments.models.Kind", help_text="The kinds of appointment served; none ticked: all."
    ),
    "appointments.schemas.REMINDER_CHANNELS": partial(
        Choices, labels="appointments.models.Channel", help_text="How reminders go out; none ticked sends none."
    ),
    "voice.schemas.COLLECT": partial(
        Choices, labels="voice.models.CollectedData", help_text="What the agent asks for and records."
    ),
    "calls.schemas.REGIONS": partial(
        Choices,
        labels="calls.schemas.REGION_NAMES",
        always="calls.legal.RESTRICTED_REGIONS",
        help_text="States whose calls end at the restricted window's end. Florida, Oklahoma and Maryland always "
        "do (state law).",
    ),
    "calls.schemas.CLOSED_DAYS": partial(
        ListRows, input_type="date", add_label="Add a day", item_word="day", help_text="Days no calls are made."
    ),
    "voice.schemas.CALLER_NUMBERS": partial(
        ListRows,
        input_type="tel",
        placeholder="+13055550100",
        add_label="Add a number",
        item_word="number",
        help_text="The numbers calls go out from, in international form (+13055550100).",
    ),
    "calls.schemas.ESCALATION_WORDS": partial(
        Words,
        placeholder="manager, lawyer, complaint",
        help_text="Words that flag a call for a person (besides the built-in ones), separated by commas.",
    ),
    "knowledge.schemas.TAGS": partial(
        Words, placeholder="membership, students", help_text="Separated by commas, e.g. membership, students."
    ),
    "leads.schemas.CUSTOM_FIELDS": partial(
        Rows, help_text="Details beyond the lead's own fields (from an import or an integration): a name and a value."
    ),
    "leads.schemas.STAGE_LABELS": partial(
        Renames, labels="leads.pipeline.Stage", help_text="Your own name for a stage; empty keeps the usual one."
    ),
    "calls.schemas.QA_CHECKLIST": partial(
        Checklist, help_text="Each point reviewed on the call, ticked when it was done."
    ),
}

STAYS_JSON = {
    "leads.schemas.SCORING_RULES": "Overrides of the scoring rules, nested several levels (points per source, "
    "stage and keyword, recency brackets): an expert setting documented with the API; an editor for it is a page "
    "of its own, not a widget.",
    "voice.schemas.PROVIDER_IDS": "The provider's own identifiers and switches, copied from its dashboard by "
    "whoever connects the account, their names and types set by each provider (voice.accounts checks them).",
}


def shape_name(db_field) -> str | None:
    """The name of a model field's shape (``app.schemas.NAME``), if it is a shaped JSON field."""
    if not isinstance(db_field, models.JSONField):
        return None
    return next((v.dotted for v in db_field.validators if isinstance(v, ShapeValidator)), None)


def editor_for(db_field) -> Editor | None:
    name = shape_name(db_field)
    return EDITORS[name](resolve(name)) if name in EDITORS else None


READ_ONLY = "__read_only"  # a field shown, not edited: ``<name>__read_only`` (admin_base.read_only_in_words)


def read_only_html(db_field, obj) -> str:
    """A shaped JSON field's value as its editor shows it, every input disabled: what a member who may only
    look sees, in the same words as an editor (never JSON)."""
    html = editor_for(db_field).render(db_field.name, getattr(obj, db_field.attname))
    return format_html('<fieldset disabled class="contents" data-read-only>{}</fieldset>', html)


def formfield_kwargs(db_field, kwargs: dict) -> dict:
    """The arguments of a model field's admin form field, with its editor if it is a shaped JSON field that has
    one, unless the form brings its own widget or field class."""
    if "widget" in kwargs or "form_class" in kwargs:
        return kwargs
    editor = editor_for(db_field)
    if editor is None:
        return kwargs
    shape = next(v for v in db_field.validators if isinstance(v, ShapeValidator))
    return {
        "form_class": EditorField,
        "help_text": editor.help_text or db_field.help_text,
        "shape_validator": shape,
        **kwargs,
        "widget": editor,
    }
