"""The demo company, built from the case behind the portal: pure data, no Flask, no database.

Company A is a machining manufacturer of about 500 people. Li Qiang joined the machining workshop
six months before his work injury; a few new hires are on short-term contracts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from portal.auth.policy import Role
from portal.org.rules import ContractType

DEMO_PASSWORD = "portal-demo-2026"
COMPANY_NAME = {"zh_CN": "A 精密机械有限公司", "en": "Company A Precision Machining Co."}


@dataclass(frozen=True)
class DemoDepartment:
    code: str
    name_zh: str
    name_en: str
    headcount: int


@dataclass(frozen=True)
class DemoPerson:
    number: str
    name: str
    department_code: str
    hire_date: date
    contract_type: ContractType
    username: str
    role: Role
    phone: str
    manages: bool = False
    preferred_locale: str = "zh_CN"
    note: str = ""


DEPARTMENTS = (
    DemoDepartment("MACH", "机加工车间", "Machining workshop", 160),
    DemoDepartment("ASSY", "装配车间", "Assembly workshop", 120),
    DemoDepartment("WELD", "焊接车间", "Welding workshop", 60),
    DemoDepartment("QC", "质检部", "Quality control", 40),
    DemoDepartment("MAINT", "设备维修部", "Maintenance", 35),
    DemoDepartment("LOGI", "仓储物流部", "Warehouse and logistics", 45),
    DemoDepartment("HR", "人力资源部", "Human resources", 8),
    DemoDepartment("FIN", "财务部", "Finance", 12),
    DemoDepartment("ADM", "行政部", "Administration", 20),
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文斌宇浩凯鹏飞鑫波婷雪晨欣悦宁海峰亮成东辉鹏"


def _named_people(today: date) -> list[DemoPerson]:
    """The people the demo logins belong to; their stories drive the courses and cases."""
    return [
        DemoPerson("A0002", "王芳", "HR", date(2016, 3, 1), ContractType.REGULAR, "hr.wang", Role.HR, "138 0000 0002",
                   note="HR officer"),
        DemoPerson("A0003", "赵建国", "MACH", date(2012, 7, 16), ContractType.REGULAR, "mgr.zhao", Role.MANAGER,
                   "138 0000 0003", manages=True, note="Machining workshop manager"),
        DemoPerson("A0004", "孙丽", "ASSY", date(2014, 4, 8), ContractType.REGULAR, "mgr.sun", Role.MANAGER,
                   "138 0000 0004", manages=True, note="Assembly workshop manager"),
        DemoPerson("A0101", "李强", "MACH", date(2025, 9, 1), ContractType.FIXED_TERM, "li.qiang", Role.EMPLOYEE,
                   "138 0000 0101", note="Injured at work after six months of service"),
        DemoPerson("A0491", "陈晓雨", "ASSY", today - timedelta(days=9), ContractType.SHORT_TERM, "new.chen",
                   Role.EMPLOYEE, "138 0000 0491", note="New hire on a short-term contract"),
        DemoPerson("A0492", "刘洋", "MACH", today - timedelta(days=5), ContractType.SHORT_TERM, "new.liu",
                   Role.EMPLOYEE, "138 0000 0492", preferred_locale="en", note="New hire on probation, reads English"),
        DemoPerson("A0493", "周敏", "WELD", today - timedelta(days=2), ContractType.SHORT_TERM, "new.zhou",
                   Role.EMPLOYEE, "138 0000 0493", note="New hire on a short-term contract"),
    ]


def build_people(today: date, seed: int = 2026) -> list[DemoPerson]:
    """All ~500 employees: the named people plus a reproducible crowd filling each department."""
    rng = random.Random(seed)
    named = _named_people(today)
    taken = {p.number for p in named}
    managers = {p.department_code for p in named if p.manages}
    filled = {d.code: sum(1 for p in named if p.department_code == d.code) for d in DEPARTMENTS}
    people = list(named)
    numbers = (f"A{n:04d}" for n in range(1, 1000))
    for dept in DEPARTMENTS:
        for _ in range(dept.headcount - filled[dept.code]):
            number = next(n for n in numbers if n not in taken)
            taken.add(number)
            manages = dept.code not in managers
            managers.add(dept.code)
            years_back = rng.choice((0, 1, 1, 2, 3, 4, 5, 6, 8, 10, 12))
            hire = date(today.year - years_back, rng.randint(1, 12), rng.randint(1, 28))
            if hire > today - timedelta(days=30):
                hire = today - timedelta(days=rng.randint(30, 300))
            contract = (
                ContractType.REGULAR if years_back >= 8 and not rng.random() < 0.2
                else rng.choice((ContractType.FIXED_TERM, ContractType.FIXED_TERM, ContractType.SHORT_TERM))
                if years_back <= 1 else ContractType.FIXED_TERM
            )
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            people.append(
                DemoPerson(
                    number, name, dept.code, hire, ContractType.REGULAR if manages else contract,
                    username=number.lower(), role=Role.MANAGER if manages else Role.EMPLOYEE,
                    phone=f"139 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}", manages=manages,
                )
            )
    return people


DEMO_LOGINS = (
    ("admin", "admin", "Administrator"),
    ("hr.wang", "hr", "王芳, HR officer"),
    ("mgr.zhao", "manager", "赵建国, machining workshop manager"),
    ("li.qiang", "employee", "李强, injured after six months of service"),
    ("new.chen", "employee", "陈晓雨, new hire on a short-term contract"),
    ("new.liu", "employee", "刘洋, new hire on probation (English)"),
)
