"""Plain records the matching engine ranks: one per research need and one per organisation
profile, with the fields of the labelled data sets (shared/matching/README.md).

They carry no database objects, so the evaluation command, the benchmark and (later) the
pages build them the same way: the pages from ``Need`` rows and competence profiles, the
command from a data set's JSON. Nothing here knows who may see what; callers pass only
the needs a reader may see (visibility, anonymity and opt-outs are the caller's filter)
and the engine never returns the posting organisation of a need as a recommendation for
itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NeedDoc:
    key: str
    organisation: str
    language: str = "de"
    title: str = ""
    summary: str = ""
    description: str = ""
    challenge_types: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    trl_now: int = 1
    trl_target: int = 9
    cooperation_types: tuple[str, ...] = ()
    partner_kinds: tuple[str, ...] = ()
    budget_band: str = "not_stated"

    @classmethod
    def from_dict(cls, data: dict) -> NeedDoc:
        return cls(
            key=str(data["key"]),
            organisation=str(data.get("organisation") or ""),
            language=data.get("language") or "de",
            title=data.get("title") or "",
            summary=data.get("summary") or "",
            description=data.get("description") or "",
            challenge_types=tuple(data.get("challenge_types") or ()),
            topics=tuple(data.get("topics") or ()),
            keywords=tuple(data.get("keywords") or ()),
            trl_now=int(data.get("trl_now") or 1),
            trl_target=int(data.get("trl_target") or data.get("trl_now") or 9),
            cooperation_types=tuple(data.get("cooperation_types") or ()),
            partner_kinds=tuple(data.get("partner_kinds") or ()),
            budget_band=data.get("budget_band") or "not_stated",
        )

    @property
    def trl_range(self) -> tuple[int, int]:
        return min(self.trl_now, self.trl_target), max(self.trl_now, self.trl_target)

    def lexical_text(self) -> str:
        """What full-text matching reads: the texts and the free keywords."""
        return "\n".join([self.title, self.summary, self.description, " ".join(self.keywords)])

    def overlap_text(self) -> str:
        """The texts whose shared words define a low-overlap pair (README of the data sets)."""
        return "\n".join([self.title, self.summary, self.description])

    def embedding_text(self) -> str:
        """What the sentence-embedding model reads: title and summary. On dev.json they
        rank as well as the whole text (need → organisation nDCG@10 0.763 against 0.769
        for the embedding alone, 0.919 against 0.914 combined) and cost a fifth of the
        time to embed (about 70 tokens instead of 200 to 300)."""
        return "\n".join(part for part in [self.title, self.summary] if part.strip())


@dataclass(frozen=True)
class OrgDoc:
    key: str
    name: str = ""
    kind: str = "company"
    city: str = ""
    federal_state: str = ""
    description: str = ""
    competences: str = ""
    keywords: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    cooperation_types: tuple[str, ...] = ()
    trl_min: int = 1
    trl_max: int = 9
    languages: tuple[str, ...] = ("de",)
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_dict(cls, data: dict) -> OrgDoc:
        return cls(
            key=str(data["key"]),
            name=data.get("name") or "",
            kind=data.get("kind") or "company",
            city=data.get("city") or "",
            federal_state=data.get("federal_state") or "",
            description=data.get("description") or "",
            competences=data.get("competences") or "",
            keywords=tuple(data.get("keywords") or ()),
            topics=tuple(data.get("topics") or ()),
            cooperation_types=tuple(data.get("cooperation_types") or ()),
            trl_min=int(data.get("trl_min") or 1),
            trl_max=int(data.get("trl_max") or 9),
            languages=tuple(data.get("languages") or ("de",)),
        )

    @property
    def trl_range(self) -> tuple[int, int]:
        return min(self.trl_min, self.trl_max), max(self.trl_min, self.trl_max)

    def lexical_text(self) -> str:
        return "\n".join([self.description, self.competences, " ".join(self.keywords)])

    def overlap_text(self) -> str:
        return "\n".join([self.description, self.competences])

    def embedding_text(self) -> str:
        return "\n".join(
            part
            for part in [self.competences, " ".join(self.keywords), self.description]
            if part.strip()
        )
