"""Names shown to the public: a person's surname and 某 (张某, 欧阳某), the way notices on a
community board traditionally name people, so a name can be read out in the community without
being published whole on the internet."""

from __future__ import annotations

#: Two-character surnames common enough to meet on a community board. Anything else is taken to
#: have a one-character surname, which is right for the very great majority of Chinese names.
COMPOUND_SURNAMES = frozenset(
    {
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "皇甫",
        "东方",
        "慕容",
        "令狐",
        "尉迟",
        "长孙",
        "公孙",
        "夏侯",
        "宇文",
        "司徒",
        "端木",
        "南宫",
        "西门",
        "轩辕",
        "澹台",
        "万俟",
    }
)

MOU = "某"


def surname(name: str) -> str:
    """The surname of a Chinese name (两字复姓 from :data:`COMPOUND_SURNAMES`, else the first
    character); empty for an empty name."""
    name = (name or "").strip()
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[:2]
    return name[:1]


def public_name(name: str) -> str:
    """张三 → 张某, 欧阳修 → 欧阳某; a name that is only a surname still hides nothing more
    (张 → 张某); an empty name stays empty."""
    family = surname(name)
    return f"{family}{MOU}" if family else ""
