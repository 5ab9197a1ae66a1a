"""Course content: loading, validation, snapshots and hashes, Markdown rendering and grading, without Flask."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.courses.content import (
    AUDIENCES,
    LOCALES,
    CourseErrors,
    CourseFileError,
    CourseSource,
    QuizOption,
    QuizQuestion,
    grade,
    load_course,
    load_courses,
    render_markdown,
    unknown_option_ids,
)

COURSES = Path(__file__).resolve().parents[3] / "courses"
REAL_SLUGS = ["injury-basics", "suspension-pay", "social-insurance-shares", "disability-benefits", "short-tenure"]


# --- helpers ------------------------------------------------------------------------------------------------------


def copy_course(root: Path, source: str = "injury-basics", folder: str = "x") -> Path:
    """Copy a real course to ``root/folder`` and make its slug match the new folder name."""
    target = root / folder
    shutil.copytree(COURSES / source, target)
    if folder != source:
        edit(target / "course.toml", f'slug = "{source}"', f'slug = "{folder}"')
    return target


def edit(file: Path, old: str, new: str) -> None:
    text = file.read_bytes().decode("utf-8")
    assert old in text, f"{old!r} not in {file}"
    file.write_bytes(text.replace(old, new, 1).encode("utf-8"))


def set_line(file: Path, number: int, new: str | None) -> None:
    """Replace line ``number`` (1-based) of ``file``, or delete it when ``new`` is None."""
    lines = file.read_bytes().decode("utf-8").split("\n")
    if new is None:
        del lines[number - 1]
    else:
        lines[number - 1] = new
    file.write_bytes("\n".join(lines).encode("utf-8"))


def errors_of(root: Path, folder: str = "x") -> list[CourseFileError]:
    with pytest.raises(CourseErrors) as info:
        load_course(root, folder)
    return info.value.errors


def has_error(errors: list[CourseFileError], path: str, line: int | None, reason: str) -> bool:
    return any(e.path == path and e.line == line and reason in e.reason for e in errors)


QUESTION_HEAD = (
    '[[questions]]\nid = "{id}"\nkind = "single"\nprompt.zh_CN = "问"\nprompt.en = "Question"\n'
    'explanation.zh_CN = "因为"\nexplanation.en = "Because"\n'
)
OPTION = '\n[[questions.options]]\nid = "{id}"\ncorrect = {correct}\nzh_CN = "选项"\nen = "Option"\n'


def quiz_text(questions: int = 1, options: int = 3) -> str:
    """A small valid-looking quiz: ``questions`` single-choice questions of ``options`` options, the first correct."""
    blocks = []
    for q in range(1, questions + 1):
        block = QUESTION_HEAD.format(id=f"q{q}")
        for o in range(options):
            block += OPTION.format(id="abcdefghij"[o], correct="true" if o == 0 else "false")
        blocks.append(block)
    return "\n".join(blocks)


# --- the real courses -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_courses() -> list[CourseSource]:
    return load_courses(COURSES)


def test_real_courses_load_in_order(real_courses):
    assert [course.slug for course in real_courses] == REAL_SLUGS
    assert [course.order for course in real_courses] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("slug", REAL_SLUGS)
def test_real_course_is_complete_in_both_locales(real_courses, slug):
    course = next(course for course in real_courses if course.slug == slug)
    assert course.audience and course.audience <= AUDIENCES
    for locale in LOCALES:
        assert course.title[locale].strip() and course.summary[locale].strip()
    files = {locale: sorted((COURSES / slug).glob(f"*.{locale}.md")) for locale in LOCALES}
    assert len(files["zh_CN"]) == len(files["en"]) == len(course.lessons) >= 1
    assert [lesson.number for lesson in course.lessons] == list(range(1, len(course.lessons) + 1))
    for lesson in course.lessons:
        for locale in LOCALES:
            assert lesson.filename[locale] == f"{lesson.number:02d}-{lesson.slug}.{locale}.md"
            assert lesson.title[locale] and lesson.body[locale].strip()
            assert not lesson.body[locale].startswith("\n")
    assert 4 <= len(course.questions) <= 8
    assert len({question.id for question in course.questions}) == len(course.questions)
    for question in course.questions:
        assert question.kind in ("single", "multiple")
        assert len(question.correct_ids()) == 1 if question.kind == "single" else len(question.correct_ids()) >= 2


def test_real_lessons_render_without_active_content(real_courses):
    for course in real_courses:
        for lesson in course.lessons:
            for locale in LOCALES:
                html = render_markdown(lesson.body[locale])
                assert "<script" not in html and "<p>" in html


def test_load_course_by_slug_equals_load_courses(real_courses):
    assert load_course(COURSES, "suspension-pay") == real_courses[1]


# --- snapshots and hashes ---------------------------------------------------------------------------------------


def test_hashes_are_stable_hex_and_differ_between_locales(real_courses):
    again = load_courses(COURSES)
    for first, second in zip(real_courses, again):
        hashes = {locale: first.content_hash(locale) for locale in LOCALES}
        assert hashes == {locale: second.content_hash(locale) for locale in LOCALES}
        assert all(re.fullmatch(r"[0-9a-f]{64}", value) for value in hashes.values())
        assert hashes["zh_CN"] != hashes["en"]
    assert len({course.content_hash("en") for course in real_courses}) == len(real_courses)


def test_snapshot_records_exact_files_and_projects_one_locale(real_courses):
    course = real_courses[0]
    for locale in LOCALES:
        snapshot = course.snapshot(locale)
        assert set(snapshot) == {"format", "slug", "locale", "title", "summary", "pass_mark", "lessons", "quiz"}
        assert (snapshot["format"], snapshot["slug"], snapshot["locale"]) == (1, course.slug, locale)
        assert snapshot["title"] == course.title[locale] and snapshot["pass_mark"] == course.pass_mark
        for entry, lesson in zip(snapshot["lessons"], course.lessons, strict=True):
            assert set(entry) == {"number", "slug", "file", "title", "markdown"}
            assert entry["file"] == lesson.filename[locale]
            assert entry["markdown"] == (COURSES / course.slug / entry["file"]).read_bytes().decode("utf-8")
            assert entry["markdown"].startswith(f"# {entry['title']}\n")
        for entry, question in zip(snapshot["quiz"], course.questions, strict=True):
            assert set(entry) == {"id", "kind", "prompt", "explanation", "options"}
            assert entry["prompt"] == question.prompt[locale]
            assert entry["options"] == [
                {"id": option.id, "correct": option.correct, "text": option.text[locale]} for option in question.options
            ]


@pytest.mark.parametrize("locale", LOCALES)
def test_snapshot_json_is_canonical_and_round_trips(real_courses, locale):
    for course in real_courses:
        text = course.snapshot_json(locale)
        assert json.loads(text) == course.snapshot(locale)
        assert text == json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert "工伤" in real_courses[0].snapshot_json("zh_CN")  # stored as text, not \\u escapes


def hashes(root: Path, slug: str = "injury-basics") -> dict[str, str]:
    course = load_course(root, slug)
    return {locale: course.content_hash(locale) for locale in LOCALES}


@pytest.mark.parametrize(
    "change,changed",
    [
        (lambda d: edit(d / "02-report-and-apply.en.md", "\n", "\n\nOne more line.\n"), {"en"}),
        (lambda d: edit(d / "02-report-and-apply.zh_CN.md", "\n", "\n\n多一行。\n"), {"zh_CN"}),
        (lambda d: edit(d / "quiz.toml", 'prompt.en = "', 'prompt.en = "Now: '), {"en"}),
        (lambda d: edit(d / "quiz.toml", 'explanation.zh_CN = "', 'explanation.zh_CN = "注意：'), {"zh_CN"}),
        (lambda d: edit(d / "course.toml", 'en = "Work injury', 'en = "The work injury'), {"en"}),
        (lambda d: edit(d / "course.toml", "pass_mark = 80", "pass_mark = 75"), {"zh_CN", "en"}),
        # Only what employees see is in the record; assignment settings are not.
        (lambda d: edit(d / "course.toml", "due_days = 14", "due_days = 10"), set()),
        (lambda d: edit(d / "course.toml", "validity_months = 12", "validity_months = 24"), set()),
        (lambda d: edit(d / "course.toml", "[title]", '[change]\nkind = "minor"\n\n[title]'), set()),
    ],
)
def test_an_edit_changes_exactly_the_hashes_of_what_it_touches(tmp_path, change, changed):
    course_dir = copy_course(tmp_path, folder="injury-basics")
    before = hashes(tmp_path)
    assert before == hashes(COURSES)  # the hash depends on content, not on where the files are
    change(course_dir)
    after = hashes(tmp_path)
    assert {locale for locale in LOCALES if before[locale] != after[locale]} == changed


def test_line_endings_are_recorded_as_they_are(tmp_path):
    course_dir = copy_course(tmp_path)
    lesson = course_dir / "01-what-counts.en.md"
    lesson.write_bytes(lesson.read_bytes().replace(b"\n", b"\r\n"))
    course = load_course(tmp_path, "x")
    assert course.lessons[0].title["en"] == "What counts as a work injury"
    assert course.snapshot("en")["lessons"][0]["markdown"] == lesson.read_bytes().decode("utf-8")
    assert "\r\n" in course.snapshot("en")["lessons"][0]["markdown"]


def test_snapshot_rejects_unknown_locale(real_courses):
    with pytest.raises(ValueError):
        real_courses[0].snapshot("fr")


# --- validation ----------------------------------------------------------------------------------------------------

Mutation = Callable[[Path], object]

BAD_COURSES: list[tuple[str, Mutation, str, int | None, str]] = [
    # course.toml
    ("course_syntax", lambda d: set_line(d / "course.toml", 4, "due_days = = 14"), "x/course.toml", 4, "invalid TOML"),
    ("slug_not_folder", lambda d: edit(d / "course.toml", 'slug = "x"', 'slug = "y"'), "x/course.toml", 1,
     "folder name"),
    ("order_zero", lambda d: edit(d / "course.toml", "order = 1", "order = 0"), "x/course.toml", 2, "order"),
    ("unknown_audience", lambda d: edit(d / "course.toml", '["onboarding"]', '["onboarding", "everyone"]'),
     "x/course.toml", 3, "'everyone'"),
    ("audience_of_tables", lambda d: edit(d / "course.toml", '["onboarding"]', "[{a = 1}]"), "x/course.toml", 3,
     "unknown audience"),
    ("empty_audience", lambda d: edit(d / "course.toml", '["onboarding"]', "[]"), "x/course.toml", 3, "audience"),
    ("due_days_text", lambda d: edit(d / "course.toml", "due_days = 14", 'due_days = "14"'), "x/course.toml", 4,
     "due_days"),
    ("due_days_missing", lambda d: set_line(d / "course.toml", 4, None), "x/course.toml", None,
     "due_days is missing"),
    ("pass_mark_zero", lambda d: edit(d / "course.toml", "pass_mark = 80", "pass_mark = 0"), "x/course.toml", 5,
     "pass_mark"),
    ("pass_mark_over_100", lambda d: edit(d / "course.toml", "pass_mark = 80", "pass_mark = 101"), "x/course.toml",
     5, "pass_mark"),
    ("validity_quoted", lambda d: edit(d / "course.toml", "validity_months = 12", 'validity_months = "12"'),
     "x/course.toml", 6, "validity_months"),
    ("change_kind_unknown", lambda d: edit(d / "course.toml", "[title]", '[change]\nkind = "small"\n\n[title]'),
     "x/course.toml", 9, "minor"),
    ("title_without_en", lambda d: set_line(d / "course.toml", 10, None), "x/course.toml", 8, "no English"),
    ("summary_en_empty", lambda d: set_line(d / "course.toml", 14, 'en = "  "'), "x/course.toml", 14,
     "summary.en is empty"),
    ("unknown_course_key", lambda d: edit(d / "course.toml", "slug", 'colour = "red"\nslug'), "x/course.toml", 1,
     "unknown key 'colour'"),
    # lesson files
    ("missing_en_twin", lambda d: (d / "02-report-and-apply.en.md").unlink(), "x/02-report-and-apply.zh_CN.md", None,
     "02-report-and-apply.en.md"),
    ("missing_zh_twin", lambda d: (d / "03-records-and-timeline.zh_CN.md").unlink(),
     "x/03-records-and-timeline.en.md", None, "03-records-and-timeline.zh_CN.md"),
    ("numbering_gap", lambda d: [f.unlink() for f in d.glob("02-*.md")], "x/03-records-and-timeline.zh_CN.md", None,
     "no lesson 02"),
    ("numbering_starts_at_02", lambda d: [f.unlink() for f in d.glob("01-*.md")], "x/02-report-and-apply.zh_CN.md",
     None, "no lesson 01"),
    ("repeated_lesson_number", lambda d: (d / "01-other.en.md").write_text("# Other\n\nText.\n"),
     "x/01-what-counts.en.md", None, "also used by 01-other.en.md"),
    ("twin_slugs_differ", lambda d: (d / "02-report-and-apply.en.md").rename(d / "02-report.en.md"),
     "x/02-report.en.md", None, "differs"),
    ("no_title_line", lambda d: set_line(d / "01-what-counts.en.md", 1, "What counts as a work injury"),
     "x/01-what-counts.en.md", 1, "line 1"),
    ("title_without_space", lambda d: set_line(d / "01-what-counts.zh_CN.md", 1, "#什么情况算工伤"),
     "x/01-what-counts.zh_CN.md", 1, "line 1"),
    ("empty_title", lambda d: set_line(d / "01-what-counts.en.md", 1, "#  "), "x/01-what-counts.en.md", 1, "line 1"),
    ("second_h1", lambda d: (d / "01-what-counts.en.md").write_text("# Title\n\nText.\n\n# Again\n"),
     "x/01-what-counts.en.md", 5, "level-1 heading"),
    ("not_utf8", lambda d: (d / "01-what-counts.en.md").write_bytes(b"# Title\n\nfine\n\xff\xfe bad\n"),
     "x/01-what-counts.en.md", 4, "UTF-8"),
    ("byte_order_mark", lambda d: (d / "01-what-counts.en.md").write_bytes(b"\xef\xbb\xbf# Title\n\nText\n"),
     "x/01-what-counts.en.md", 1, "byte-order mark"),
    ("no_lessons", lambda d: [f.unlink() for f in d.glob("*.md")], "x", None, "no lessons"),
    # stray files
    ("stray_file", lambda d: (d / "notes.txt").write_text("todo"), "x/notes.txt", None, "unexpected file"),
    ("misnamed_locale", lambda d: (d / "01-what-counts.en.md").rename(d / "01-what-counts.EN.md"),
     "x/01-what-counts.EN.md", None, "unexpected file"),
    ("stray_folder", lambda d: (d / "images").mkdir(), "x/images", None, "folder"),
    # quiz.toml
    ("quiz_missing", lambda d: (d / "quiz.toml").unlink(), "x/quiz.toml", None, "missing"),
    ("quiz_syntax", lambda d: set_line(d / "quiz.toml", 3, 'kind = "single'), "x/quiz.toml", 3, "invalid TOML"),
    ("single_with_two_correct", lambda d: edit(d / "quiz.toml", "correct = false", "correct = true"), "x/quiz.toml",
     3, "exactly one correct option"),
    ("multiple_with_one_correct", lambda d: [set_line(d / "quiz.toml", n, "correct = false") for n in (37, 49)],
     "x/quiz.toml", 29, "at least two correct options"),
    ("unknown_kind", lambda d: set_line(d / "quiz.toml", 3, 'kind = "either"'), "x/quiz.toml", 3, "kind"),
    ("duplicate_question_id", lambda d: edit(d / "quiz.toml", 'id = "q2"', 'id = "q1"'), "x/quiz.toml", 28,
     "also used"),
    ("bad_option_id", lambda d: set_line(d / "quiz.toml", 10, 'id = "A"'), "x/quiz.toml", 10, "lower-case letter"),
    ("duplicate_option_id", lambda d: set_line(d / "quiz.toml", 16, 'id = "a"'), "x/quiz.toml", 16, "used twice"),
    ("explanation_without_en", lambda d: set_line(d / "quiz.toml", 7, None), "x/quiz.toml", 6, "no English"),
    ("empty_prompt", lambda d: set_line(d / "quiz.toml", 4, 'prompt.zh_CN = ""'), "x/quiz.toml", 4,
     "prompt.zh_CN is empty"),
    ("option_without_en", lambda d: set_line(d / "quiz.toml", 13, None), "x/quiz.toml", 9, "no English"),
    ("correct_quoted", lambda d: set_line(d / "quiz.toml", 11, 'correct = "false"'), "x/quiz.toml", 11,
     "true or false"),
    ("unknown_question_key", lambda d: edit(d / "quiz.toml", 'kind = "single"', 'kind = "single"\nhint = "x"'),
     "x/quiz.toml", 4, "unknown key 'hint' in question q1"),
    ("one_option", lambda d: (d / "quiz.toml").write_text(quiz_text(options=1)), "x/quiz.toml", 1,
     "needs 2 to 6"),
    ("seven_options", lambda d: (d / "quiz.toml").write_text(quiz_text(options=7)), "x/quiz.toml", 1,
     "needs 2 to 6"),
    ("no_questions", lambda d: (d / "quiz.toml").write_text("# nothing yet\n"), "x/quiz.toml", None,
     "at least one"),
    ("too_many_questions", lambda d: (d / "quiz.toml").write_text(quiz_text(questions=21)), "x/quiz.toml", 521,
     "at most 20"),
    ("repeated_key", lambda d: (d / "quiz.toml").write_text(quiz_text() + 'en = "Again"\n'),
     "x/quiz.toml", 26, "invalid TOML"),
    # Without a final newline tomllib says "at end of document"; the line is still found.
    ("repeated_key_at_end", lambda d: (d / "quiz.toml").write_text(quiz_text() + 'en = "Again"'),
     "x/quiz.toml", 26, "Cannot overwrite"),
    ("unclosed_list_at_end", lambda d: (d / "course.toml").write_text('slug = "x"\naudience = ["injured",\n'),
     "x/course.toml", 2, "end of file"),
]


@pytest.mark.parametrize("change,path,line,reason", [case[1:] for case in BAD_COURSES],
                         ids=[case[0] for case in BAD_COURSES])
def test_bad_course_files_are_reported_with_file_and_line(tmp_path, change, path, line, reason):
    change(copy_course(tmp_path))
    errors = errors_of(tmp_path)
    assert has_error(errors, path, line, reason), "\n".join(map(str, errors))


def test_a_simple_mistake_gives_one_error_with_a_readable_message(tmp_path):
    course_dir = copy_course(tmp_path)
    set_line(course_dir / "quiz.toml", 3, 'kind = "single')
    (error,) = errors_of(tmp_path)
    assert str(error).startswith("x/quiz.toml:3: invalid TOML")
    assert str(CourseFileError("x/notes.txt", None, "unexpected")) == "x/notes.txt: unexpected"


def test_all_errors_in_a_course_are_collected(tmp_path):
    course_dir = copy_course(tmp_path)
    edit(course_dir / "course.toml", "pass_mark = 80", "pass_mark = 0")
    (course_dir / "02-report-and-apply.en.md").unlink()
    edit(course_dir / "quiz.toml", "correct = false", "correct = true")
    errors = errors_of(tmp_path)
    assert {error.path for error in errors} == {"x/course.toml", "x/02-report-and-apply.zh_CN.md", "x/quiz.toml"}


def test_quiz_generator_makes_a_valid_quiz(tmp_path):
    (copy_course(tmp_path) / "quiz.toml").write_text(quiz_text(questions=20, options=6))
    course = load_course(tmp_path, "x")
    assert len(course.questions) == 20 and all(len(question.options) == 6 for question in course.questions)


def test_hidden_files_are_ignored(tmp_path):
    course_dir = copy_course(tmp_path)
    (course_dir / ".DS_Store").write_bytes(b"\x00\x01")
    (course_dir / ".01-what-counts.en.md.swp").write_bytes(b"\xff")
    assert load_course(tmp_path, "x").slug == "x"


@pytest.mark.parametrize("slug", ["../courses", "Injury", "x/y", ""])
def test_load_course_refuses_bad_slugs(tmp_path, slug):
    with pytest.raises(CourseErrors):
        load_course(COURSES, slug)


def test_load_course_reports_a_missing_folder(tmp_path):
    assert has_error(errors_of(tmp_path, "nope"), "nope", None, "not found")


# --- load_courses ----------------------------------------------------------------------------------------------------


def test_load_courses_collects_errors_of_all_courses(tmp_path):
    first = copy_course(tmp_path, "injury-basics", "a")
    second = copy_course(tmp_path, "suspension-pay", "b")
    copy_course(tmp_path, "short-tenure", "c")  # a good course does not hide the others' errors
    set_line(first / "quiz.toml", 3, 'kind = "single')
    edit(second / "course.toml", '["injured"]', '["injred"]')
    with pytest.raises(CourseErrors) as info:
        load_courses(tmp_path)
    errors = info.value.errors
    assert has_error(errors, "a/quiz.toml", 3, "invalid TOML")
    assert has_error(errors, "b/course.toml", 3, "'injred'")
    assert len(errors) == 2
    assert str(info.value).splitlines() == [str(error) for error in errors]


def test_load_courses_rejects_a_repeated_order(tmp_path):
    copy_course(tmp_path, "injury-basics", "a")
    second = copy_course(tmp_path, "suspension-pay", "b")
    edit(second / "course.toml", "order = 2", "order = 1")
    with pytest.raises(CourseErrors) as info:
        load_courses(tmp_path)
    (error,) = info.value.errors
    assert (error.path, error.line) == ("b/course.toml", 2) and "a/course.toml" in error.reason


def test_load_courses_sorts_by_order_and_skips_folders_without_course_toml(tmp_path):
    copy_course(tmp_path, "short-tenure", "a")  # order 5
    copy_course(tmp_path, "suspension-pay", "b")  # order 2
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "idea.md").write_text("# Idea\n")
    (tmp_path / "README.md").write_text("# Courses\n")
    assert [course.slug for course in load_courses(tmp_path)] == ["b", "a"]


def test_load_courses_reports_a_missing_root(tmp_path):
    with pytest.raises(CourseErrors):
        load_courses(tmp_path / "missing")


# --- rendering --------------------------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    """Every start tag with its attributes, to check the structure rather than the spelling of the output."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    for tag, attrs in _Tags(html).tags:
        assert tag not in ("script", "style", "img", "iframe", "object", "svg")
        assert not any(name.startswith("on") or name == "style" for name in attrs), (tag, attrs)
        href = (attrs.get("href") or "").strip().lower()
        assert not href or href.split(":", 1)[0] in ("http", "https", "mailto"), href


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<p onclick="x()">hi</p>',
        "<style>body{display:none}</style>",
        '<a href="JaVaScRiPt:alert(1)" onmouseover="x()">x</a>',
        "[x](  javascript:alert(1) )",
        "<svg onload=alert(1)></svg><iframe src=https://example.com></iframe>",
    ],
)
def test_render_markdown_removes_active_content(source):
    html = render_markdown(f"Before\n\n{source}\n\nAfter")
    for forbidden in ("<script", "<style", "onerror", "onclick", "onmouseover", "onload", "javascript:", "<img"):
        assert forbidden not in html.lower()
    assert_inert(html)
    assert "Before" in html and "After" in html


def test_render_markdown_attribute_text_stays_text():
    # The event handler here is only the text of a title attribute, escaped: harmless, but check it stays so.
    html = render_markdown('[x](https://example.com "t" onclick="x()")')
    assert_inert(html)
    assert ' onclick="' not in html


def test_render_markdown_tables_and_alignment_without_style():
    html = render_markdown("| Grade | Months |\n|:--|--:|\n| 9 | 9 |\n")
    assert "<table>" in html and '<th align="left">Grade</th>' in html and '<td align="right">9</td>' in html
    assert "style" not in html


def test_render_markdown_keeps_lesson_markup_and_safe_links():
    html = render_markdown("## Case\n\n- **bold** and *em*\n\n> quote\n\n[law](https://example.com/law)\n")
    for tag in ("<h2>", "<li>", "<strong>", "<em>", "<blockquote>"):
        assert tag in html
    assert '<a href="https://example.com/law" rel="noopener noreferrer">law</a>' in html


# --- grading ------------------------------------------------------------------------------------------------------


def question(kind: str, correct: str, ids: str = "abcd") -> QuizQuestion:
    text = {locale: "…" for locale in LOCALES}
    return QuizQuestion(
        id="q1", kind=kind, prompt=text, explanation=text,
        options=tuple(QuizOption(id=i, correct=i in correct, text=text) for i in ids),
    )


@pytest.mark.parametrize(
    "kind,correct,chosen,right",
    [
        ("single", "b", "b", True),
        ("single", "b", "a", False),
        ("single", "b", "", False),
        ("single", "b", "ab", False),
        ("multiple", "ac", "ac", True),
        ("multiple", "ac", "a", False),
        ("multiple", "ac", "abc", False),
        ("multiple", "abcd", "abcd", True),
        ("multiple", "ac", "acz", False),
    ],
)
def test_grade(kind, correct, chosen, right):
    assert grade(question(kind, correct), frozenset(chosen)) is right


@st.composite
def questions_and_choices(draw):
    ids = draw(st.lists(st.sampled_from("abcdef"), min_size=2, max_size=6, unique=True))
    correct = draw(st.sets(st.sampled_from(ids)))
    chosen = draw(st.sets(st.sampled_from(ids + ["x", "z"])))
    return question("multiple", "".join(correct), "".join(ids)), frozenset(correct), frozenset(chosen)


@given(questions_and_choices())
def test_grade_is_right_exactly_when_the_correct_ids_are_chosen(case):
    q, correct, chosen = case
    assert q.correct_ids() == correct
    assert grade(q, chosen) is (chosen == correct)


def test_unknown_option_ids():
    q = question("single", "a", "abc")
    assert unknown_option_ids(q, ["a", "z", "zz", "z"]) == {"z", "zz"}
    assert unknown_option_ids(q, iter(["a", "c"])) == set()
