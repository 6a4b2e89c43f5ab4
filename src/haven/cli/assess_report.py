"""
The printable text form of a ``haven.assessment/1`` document.

A caseworker prints this and reads it with the defender or a legal adviser, so it keeps every
reason and source of the JSON form, in reading order: screening, risk and the views of it,
protection element by element, the two regimes, ranked pathways, tension and its actions, then
programmes. It renders; it decides nothing.
"""

import textwrap
from typing import Any

WIDTH = 92
MARKS = {"recommended": "[+]", "possible": "[~]", "not_suitable": "[-]"}


def _heading(title: str) -> list[str]:
    return ["", title.upper(), "=" * len(title)]


def _bullets(items: list[str], indent: int = 2) -> list[str]:
    lines = []
    for item in items:
        lines += textwrap.wrap(
            item, WIDTH, initial_indent=" " * indent + "- ", subsequent_indent=" " * (indent + 2)
        )
    return lines


def _words(code: str) -> str:
    return str(code).replace("_", " ")


def render_report(result: dict[str, Any]) -> str:
    lines = [
        "HAVEN ASSESSMENT",
        f"Engine {result['engine_version']}. Advice for staff and legal advisers: people decide, not this report.",
    ]
    lines += _heading("Defender screening")
    lines.append(f"  Status: {_words(result['hrd']['status'])}")
    lines += _bullets(result["hrd"]["reasons"])

    for key, title in (("risk", "Risk now"), ("risk_on_return", "Risk on return")):
        if key in result:
            risk = result[key]
            lines += _heading(title)
            lines.append(f"  Level: {risk['level'].upper()} (score {risk['score']})")
            lines += _bullets(risk["reasons"])
    if result.get("risk_views"):
        lines += _heading("Views of the risk")
        for view in result["risk_views"]:
            note = f" - differs: {view['divergence']}" if view.get("divergence") else ""
            lines += textwrap.wrap(
                f"{_words(view['source'])}: {view['level']}{note}",
                WIDTH,
                initial_indent="  ",
                subsequent_indent="    ",
            )

    protection = result["protection"]
    lines += _heading("International protection")
    lines.append(f"  Outcome: {_words(protection['outcome']).upper()}")
    lines += _bullets(protection.get("reasons", []))
    lines += textwrap.wrap(
        f"Standard of proof: {protection['standard_of_proof']}",
        WIDTH,
        initial_indent="  ",
        subsequent_indent="    ",
    )
    for name, element in protection["elements"].items():
        lines.append("")
        lines.append(f"  {_words(name)}: {_words(element['finding']).upper()}")
        if element.get("question"):
            lines += textwrap.wrap(
                element["question"], WIDTH, initial_indent="    ", subsequent_indent="    "
            )
        lines += _bullets(element["reasons"], indent=4)
        if element["sources"]:
            lines += textwrap.wrap(
                "Sources: " + "; ".join(element["sources"]),
                WIDTH,
                initial_indent="    ",
                subsequent_indent="      ",
            )

    lines += _heading("The two regimes")
    for name, standing in result["regimes"].items():
        lines.append(f"  {name.capitalize()} regime: {standing['status']}")
        lines += _bullets(standing["reasons"], indent=4)

    lines += _heading("Pathways, best first")
    lines.append("  [+] recommended  [~] possible  [-] not suitable")
    for rank, pathway in enumerate(result["pathways"], start=1):
        lines.append(f"  {rank:>2}. {MARKS[pathway['suitability']]} {_words(pathway['pathway'])}")
        lines += _bullets(pathway["reasons"], indent=7)
        lines += _bullets(
            [f"Caution: {caution}" for caution in pathway.get("cautions", [])], indent=7
        )

    tension = result["tension"]
    lines += _heading("Tension between the regimes")
    lines.append("  FLAGGED" if tension["flag"] else "  Not flagged")
    lines += _bullets(tension["reasons"])
    if tension.get("actions"):
        lines.append("  What staff must do:")
        lines += _bullets(tension["actions"], indent=4)

    if "programmes" in result:
        lines += _heading("Programmes")
        labels = {True: "ELIGIBLE", False: "NOT ELIGIBLE", "unclear": "UNCLEAR"}
        for programme in result["programmes"]:
            lines.append(f"  {programme['id']}: {labels[programme['eligible']]}")
            lines += _bullets(programme["reasons"], indent=4)
    return "\n".join(lines) + "\n"
