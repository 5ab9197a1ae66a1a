"""Scenario notice files, without Flask."""

from __future__ import annotations

import pytest

from portal import PROJECT_ROOT
from portal.notices.content import NoticeErrors, load_notices


def write(folder, name: str, text: str | bytes) -> None:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def test_the_project_notices_load_and_cite_their_articles():
    notices = {n.key: n for n in load_notices(PROJECT_ROOT / "notices")}
    assert set(notices) == {"injury-process-guide", "disability-benefit-explanation", "original-pay-stop", "privacy-notice"}
    assert "第三十三条" in notices["injury-process-guide"].body["zh_CN"]
    assert "多退少补" in notices["disability-benefit-explanation"].body["zh_CN"]
    assert "Art. 33 ¶2" in notices["original-pay-stop"].body["en"]


def test_title_line_and_body_are_split_and_cleaned(tmp_path):
    write(tmp_path, "a-b.zh_CN.md", "# 标题  \r\n\r\n正文第一行\r\n第二行\r\n\r\n")
    write(tmp_path, "a-b.en.md", "# Title\n\nBody\n")
    write(tmp_path, "README.md", "# Not a notice\n")
    (notice,) = load_notices(tmp_path)
    assert notice.title == {"zh_CN": "标题", "en": "Title"}
    assert notice.body == {"zh_CN": "正文第一行\n第二行", "en": "Body"}


def test_every_problem_is_reported_with_file_and_line(tmp_path):
    write(tmp_path, "one.zh_CN.md", "标题没有井号\n正文\n")
    write(tmp_path, "one.en.md", "# Title\n\nText\n\n# Second title\n")
    write(tmp_path, "two.zh_CN.md", "# 标题\n\n正文\n")
    write(tmp_path, "three.zh_CN.md", "# 标题\n")
    write(tmp_path, "three.en.md", b"# Title\n\n\xff\n")
    with pytest.raises(NoticeErrors) as caught:
        load_notices(tmp_path)
    assert sorted(str(error) for error in caught.value.errors) == [
        "one.en.md:5: only line 1 may be a level-1 heading '# '; use '## ' here",
        "one.zh_CN.md:1: line 1 must be the notice title as a heading: '# Title'",
        "three.en.md:3: not valid UTF-8 text; save the file as UTF-8",
        "three.zh_CN.md:2: the notice has no text after the title line",
        "two.zh_CN.md: no English (en) twin: add two.en.md",
    ]
