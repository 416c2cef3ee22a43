"""The tracker's people model: aliases join IDs for good, events follow."""

from autograder.site import build_people, person_of


def req(kind, person, name=None, t=1, **props):
    return {"kind": kind, "person": person, "name": name, "props": props, "t": t}


def test_each_unaliased_id_is_its_own_person():
    people = build_people([req("e", "a", "Visited Site"), req("e", "b", "Visited Site")])
    assert [p.ids for p in people] == [["a"], ["b"]]


def test_alias_joins_ids_and_their_events_even_earlier_ones():
    people = build_people([
        req("e", "anon1", "Visited Site"),
        req("a", "anon1", "ann@example.com"),
        req("e", "ann@example.com", "Signed Up"),
    ])
    assert len(people) == 1
    assert people[0].ids == ["anon1", "ann@example.com"]
    assert [e["name"] for e in people[0].events] == ["Visited Site", "Signed Up"]


def test_aliases_are_transitive_and_irreversible():
    """Identifying everyone with one value joins every visitor into one person."""
    people = build_people([
        req("a", "anon1", "customer"), req("a", "anon2", "customer"), req("a", "anon3", "customer"),
        req("e", "anon2", "Bought"),
    ])
    assert len(people) == 1
    assert set(people[0].ids) == {"anon1", "anon2", "anon3", "customer"}
    assert person_of(people, "anon3") is people[0]


def test_set_properties_belong_to_the_person():
    people = build_people([req("a", "x", "y"), req("s", "y", plan="pro"), req("s", "x", returning="1")])
    assert people[0].properties == {"plan": "pro", "returning": "1"}


def test_person_of_unknown_id_is_none():
    assert person_of(build_people([req("e", "a", "E")]), "zzz") is None
