"""The tracker's people model, as Kissmetrics reports see it.

Every ID that ever appeared is a node; every alias joins two nodes into one
person, for good. A person's events and properties are those of all its IDs.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Person:
    ids: list[str]
    events: list[dict] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"ids": self.ids, "events": self.events, "properties": self.properties}


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def add(self, node: str) -> None:
        self.parent.setdefault(node, node)

    def find(self, node: str) -> str:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:  # path compression
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(b)] = self.find(a)


def build_people(requests: list[dict]) -> list[Person]:
    """Group tracked requests into people.

    ``requests`` are the tracker's stored requests in arrival order, each with
    ``kind`` ("e", "s" or "a"), ``person`` (``_p``), ``name`` (``_n``),
    ``props`` and ``t``. People come out in order of their first appearance.
    """
    groups = _UnionFind()
    for request in requests:
        groups.add(request["person"])
        if request["kind"] == "a":
            groups.add(request["name"])
            groups.union(request["person"], request["name"])

    people: dict[str, Person] = {}
    for node in groups.parent:  # dicts keep insertion order: first seen first
        person = people.setdefault(groups.find(node), Person(ids=[]))
        person.ids.append(node)
    for request in requests:
        person = people[groups.find(request["person"])]
        if request["kind"] == "e":
            person.events.append({"name": request["name"], "id": request["person"], "t": request["t"], **request["props"]})
        elif request["kind"] == "s":
            person.properties.update(request["props"])
    return list(people.values())


def person_of(people: list[Person], some_id: str) -> Person | None:
    """The person an ID belongs to, if the tracker has seen it."""
    return next((p for p in people if some_id in p.ids), None)
