"""HTTP caching of lists: the vacancy and course lists carry a weak ETag of their content;
asked again with `If-None-Match` an unchanged page answers 304 without a body, a changed
one 200 with a new ETag."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import World


def test_an_unchanged_vacancy_list_answers_304_and_a_changed_one_200(
        client: TestClient, world: World) -> None:
    owner = world.auth("employer_1")
    first = client.get("/vacancies", params={"limit": 100, "open": False}, headers=owner)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and first.headers["Cache-Control"] == "private, no-cache"
    again = client.get("/vacancies", params={"limit": 100, "open": False},
                       headers={**owner, "If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["ETag"]) == (304, b"", etag)
    other_page = client.get("/vacancies", params={"limit": 1, "open": False},
                            headers={**owner, "If-None-Match": etag})
    assert other_page.status_code == 200  # another window, another ETag

    vid = world.vacancies["cook_job"]
    try:
        closed = client.patch(f"/vacancies/{vid}", json={"is_open": False}, headers=owner)
        assert closed.status_code == 200, closed.text
        changed = client.get("/vacancies", params={"limit": 100, "open": False},
                             headers={**owner, "If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["ETag"] != etag
        states = {v["id"]: v["is_open"] for v in changed.json()["items"]}
        assert states[vid] is False
    finally:
        client.patch(f"/vacancies/{vid}", json={"is_open": True}, headers=owner)


def test_the_course_list_revalidates_too(client: TestClient, world: World) -> None:
    coach = world.auth("coach_a")
    first = client.get("/courses", headers=coach)
    assert first.status_code == 200 and first.json()["total"] >= 1
    again = client.get("/courses", headers={**coach, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    stale = client.get("/courses", headers={**coach, "If-None-Match": 'W/"not-this-one"'})
    assert stale.status_code == 200 and stale.json() == first.json()
