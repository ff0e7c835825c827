"""The person-record cache: its bound, its drops, and the read that raced a drop."""

from __future__ import annotations

from services.skills.domain.model import Person
from services.skills.service.person_cache import PersonCache


def person(person_id: str, name: str = "") -> Person:
    return Person(id=person_id, name=name or person_id, sector="public")


def test_it_keeps_at_most_its_capacity_and_the_least_recently_read_leaves_first() -> None:
    cache = PersonCache(2)
    cache.put(person("ann"), cache.ticket())
    cache.put(person("bob"), cache.ticket())
    assert cache.get("ann") is not None
    cache.put(person("cy"), cache.ticket())
    assert (cache.get("bob"), len(cache)) == (None, 2)
    assert cache.get("ann") == person("ann")
    assert cache.get("cy") == person("cy")


def test_a_capacity_of_zero_keeps_nothing() -> None:
    cache = PersonCache(0)
    assert not cache.put(person("ann"), cache.ticket())
    assert cache.get("ann") is None


def test_a_drop_removes_that_person_only_and_a_later_read_is_kept_again() -> None:
    cache = PersonCache(10)
    cache.put(person("ann"), cache.ticket())
    cache.put(person("bob"), cache.ticket())
    cache.drop(["ann"])
    assert (cache.get("ann"), cache.get("bob")) == (None, person("bob"))
    assert cache.put(person("ann", "Ann again"), cache.ticket())
    assert cache.get("ann") == person("ann", "Ann again")


def test_a_read_begun_before_a_drop_of_its_person_is_not_put_back() -> None:
    cache = PersonCache(10)
    ticket = cache.ticket()
    cache.drop(["ann"])
    assert not cache.put(person("ann", "as read before the write"), ticket)
    assert cache.get("ann") is None
    assert cache.put(person("bob"), ticket)


def test_a_read_begun_before_everyone_was_dropped_is_not_put_back() -> None:
    cache = PersonCache(10)
    cache.put(person("bob"), cache.ticket())
    ticket = cache.ticket()
    cache.drop_all()
    assert (cache.get("bob"), len(cache)) == (None, 0)
    assert not cache.put(person("ann"), ticket)
    assert cache.put(person("ann"), cache.ticket())


def test_a_read_older_than_a_forgotten_drop_is_not_put_back_whoever_it_is() -> None:
    cache = PersonCache(10, remembered_drops=2)
    ticket = cache.ticket()
    cache.drop(["ann"])
    cache.drop(["bob"])
    cache.drop(["cy"])
    # ann's drop is no longer remembered by name, so no read older than it is trusted.
    assert not cache.put(person("ann"), ticket)
    assert not cache.put(person("dee"), ticket)
    assert cache.put(person("ann"), cache.ticket())
