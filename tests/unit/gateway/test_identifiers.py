from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.gateway.entrypoints.http.schemas.people import PersonCreate


@pytest.mark.parametrize("person_id", ["a/b", "a?b", "a#b", "a b", ""])
def test_an_id_that_cannot_be_one_url_segment_is_refused(person_id: str) -> None:
    with pytest.raises(ValidationError) as refused:
        PersonCreate(id=person_id, name="Ann", sector="public")
    assert refused.value.errors()[0]["loc"] == ("id",)


@pytest.mark.parametrize("person_id", ["p-1", "E1234", "ward.7_nav", "Zoë"])
def test_ordinary_ids_pass(person_id: str) -> None:
    assert PersonCreate(id=person_id, name="Ann", sector="public").id == person_id
