"""Citations of the statutes the rules come from, in Chinese and English.

Every result of the rules engine carries the article it rests on in both languages, so the UI can
show "《工伤保险条例》第三十五条" to a Chinese reader and "Work Injury Insurance Regulations Art. 35"
to an English one without a translation step that could drift from the source.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 17 → 十七, 35 → 三十五, 204 → 二百零四: the numerals used in article numbers (1–999)."""
    if not 0 < n < 1000:
        raise ValueError(f"article number must be 1–999 (got {n})")
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _DIGITS[hundreds] + "百"
        if rest and tens == 0:
            return out + "零" + _DIGITS[units]
    if tens:
        # 十七 on its own, but 一百一十 after a hundred
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if units:
        out += _DIGITS[units]
    return out


@dataclass(frozen=True)
class Law:
    """A statute or judicial interpretation, named as it is cited."""

    zh: str
    en: str


REGULATIONS = Law("《工伤保险条例》", "Work Injury Insurance Regulations")
SOCIAL_INSURANCE_LAW = Law("《社会保险法》", "Social Insurance Law")
RECOGNITION_MEASURES = Law("《工伤认定办法》", "Work-Injury Recognition Measures")
SPC_WORK_INJURY_CASES = Law(
    "《最高人民法院关于审理工伤保险行政案件若干问题的规定》",
    "SPC Provisions on Work-Injury Insurance Administrative Cases",
)
CIVIL_CODE = Law("《民法典》", "Civil Code")
COLLECTION_REGULATIONS = Law("《社会保险费征缴暂行条例》", "Interim Regulations on the Collection of Social Insurance Premiums")
HOUSING_FUND_REGULATIONS = Law("《住房公积金管理条例》", "Housing Provident Fund Regulations")


@dataclass(frozen=True)
class Citation:
    """One article (or a run of articles), optionally one paragraph of it."""

    zh: str
    en: str


def art(law: Law, article: int, paragraph: int | None = None, *, last: int | None = None) -> Citation:
    """Cite ``article`` (to ``last`` when a run of articles) of ``law``, optionally one paragraph."""
    if last is not None:
        if paragraph is not None:
            raise ValueError("a run of articles cannot cite one paragraph")
        return Citation(
            f"{law.zh}第{chinese_number(article)}条至第{chinese_number(last)}条",
            f"{law.en} Arts. {article}–{last}",
        )
    zh = f"{law.zh}第{chinese_number(article)}条"
    en = f"{law.en} Art. {article}"
    if paragraph is not None:
        zh += f"第{chinese_number(paragraph)}款"
        en += f" ¶{paragraph}"
    return Citation(zh, en)


def item(law: Law, article: int, paragraph: int, number: int) -> Citation:
    """Cite one numbered item of a paragraph: 第三十九条第一款第（一）项 / Art. 39 ¶1(1)."""
    base = art(law, article, paragraph)
    return Citation(f"{base.zh}第（{chinese_number(number)}）项", f"{base.en}({number})")


def joined(citations: Iterable[Citation]) -> Citation:
    """Several citations as one: "；" between the Chinese ones, "; " between the English ones."""
    items = list(citations)
    return Citation("；".join(c.zh for c in items), "; ".join(c.en for c in items))


# The articles the engine cites, named after what they say.
ACCIDENT = art(REGULATIONS, 14)
EMPLOYER_FILING = art(REGULATIONS, 17, 1)
WORKER_FILING = art(REGULATIONS, 17, 2)
LATE_FILING_COSTS = art(REGULATIONS, 17, 4)
FILING_SUSPENSION = art(SPC_WORK_INJURY_CASES, 7)
ACCEPTANCE = joined([art(RECOGNITION_MEASURES, 8), art(REGULATIONS, 18, 3)])
RECOGNITION_DECISION = art(REGULATIONS, 20)
DECISION_SERVICE = art(RECOGNITION_MEASURES, 22)
ASSESSMENT_APPLICATION = joined([art(REGULATIONS, 21), art(REGULATIONS, 23)])
ASSESSMENT_CONCLUSION = art(REGULATIONS, 25, 2)
REASSESSMENT = joined([art(REGULATIONS, 26), art(REGULATIONS, 29)])
REVIEW_ASSESSMENT = joined([art(REGULATIONS, 28), art(REGULATIONS, 29)])
SUSPENSION_PAY = art(REGULATIONS, 33, 1)
SUSPENSION_LENGTH = art(REGULATIONS, 33, 2)
RECURRENCE = art(REGULATIONS, 38)
CARE_FEE = art(REGULATIONS, 34)
GRADES_1_TO_4 = art(REGULATIONS, 35)
GRADES_5_TO_6 = art(REGULATIONS, 36)
GRADES_7_TO_10 = art(REGULATIONS, 37)
DEATH = art(REGULATIONS, 39)
FUNERAL_SUBSIDY = item(REGULATIONS, 39, 1, 1)
DEPENDANTS_PENSION = item(REGULATIONS, 39, 1, 2)
DEATH_SUBSIDY = item(REGULATIONS, 39, 1, 3)
DEATH_AFTER_SUSPENSION = art(REGULATIONS, 39, 3)
OWN_WAGE = art(REGULATIONS, 64)
DATE_COUNTING = art(CIVIL_CODE, 200, last=204)
WITHHOLDING = joined([art(SOCIAL_INSURANCE_LAW, 60), art(COLLECTION_REGULATIONS, 12)])
EMPLOYER_CONTRIBUTIONS = joined([art(SOCIAL_INSURANCE_LAW, 10), art(SOCIAL_INSURANCE_LAW, 23),
                                 art(SOCIAL_INSURANCE_LAW, 33), art(REGULATIONS, 10)])
HOUSING_FUND = joined([art(HOUSING_FUND_REGULATIONS, 18), art(HOUSING_FUND_REGULATIONS, 19)])
RECOGNITION_PAUSE = joined([
    art(REGULATIONS, 20, 3),
    Citation("人社部发〔2013〕34号第五条", "MOHRSS Opinions [2013] No. 34 item 5"),
])
LEAVING = art(REGULATIONS, 36, last=37)
DISABILITY_SUBSIDY = art(REGULATIONS, 35, last=37)


def for_grade(grade: int) -> Citation:
    """The article that sets the benefits of a disability grade: 35 for 1–4, 36 for 5–6, 37 for 7–10."""
    if grade <= 4:
        return GRADES_1_TO_4
    if grade <= 6:
        return GRADES_5_TO_6
    return GRADES_7_TO_10
