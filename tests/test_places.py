"""Towns by name (`matcher.intake.places`): what people type — folded spellings, typos,
names several towns share, names no town has — and what comes back."""

from __future__ import annotations

import pytest

from matcher.intake.places import find_places, fold, gazetteer, look_up, warm_in_background


@pytest.fixture(scope="module", autouse=True)
def loaded() -> None:
    warm_in_background().join(timeout=60)  # the gazetteer, loaded once for the module


@pytest.mark.parametrize("typed", ["Köln", "koeln", "KÖLN", "Koln", " köln ", "Cologne"])
def test_folded_and_foreign_spellings_find_the_one_town(typed: str) -> None:
    found = look_up(typed)
    assert found.place is not None and found.place.display == "Köln (Nordrhein-Westfalen)"
    assert found.place.location().town == "Köln"
    assert found.place.location().lat == pytest.approx(50.94, abs=0.05)


def test_fold_spells_out_umlauts_and_drops_punctuation() -> None:
    assert fold("  Frankfurt (Oder) ") == "frankfurt oder"
    assert fold("Straße-Mühlheim") == "strasse muehlheim"
    assert fold("St. Augustin") == "st augustin"


def test_cities_named_in_english_by_geonames_show_their_german_name() -> None:
    for typed in ("München", "muenchen", "Munich"):
        assert look_up(typed).place is not None
        assert look_up(typed).place.name == "München"  # type: ignore[union-attr]
    assert look_up("Nürnberg").place.name == "Nürnberg"  # type: ignore[union-attr]


@pytest.mark.parametrize(("typed", "meant"), [("Kölm", "Köln"), ("Dusseldorf", "Düsseldorf"),
                                              ("Berlim", "Berlin"), ("Hamburgg", "Hamburg")])
def test_typos_are_offered_as_close_spellings_best_first(typed: str, meant: str) -> None:
    found = look_up(typed)
    places = found.exact or found.close
    assert places and places[0].name == meant, [p.display for p in places]


def test_a_name_several_towns_share_is_a_choice_largest_first() -> None:
    found = look_up("Frankfurt")
    assert found.place is None
    assert [p.display for p in found.exact] == ["Frankfurt am Main (Hessen)",
                                                 "Frankfurt (Oder) (Brandenburg)"]
    halle = look_up("Halle")
    assert halle.exact[0].display == "Halle (Saale) (Sachsen-Anhalt)"
    assert len({p.display for p in halle.exact}) == len(halle.exact), "each one told apart"
    assert not halle.close, "close spellings only when no town has the name"


def test_the_shown_name_typed_back_means_that_town_alone() -> None:
    for place in look_up("Frankfurt").exact + look_up("Mülheim").exact:
        again = look_up(place.display)
        assert again.place == place, place.display
    assert look_up("Frankfurt (Oder)").place is not None
    assert look_up("Hamburg (Bayern)").place is None, "no Hamburg in Bavaria"


@pytest.mark.parametrize("typed", ["Xyzzyhausen", "", "   ", "12345", "?!"])
def test_a_name_no_town_has_finds_nothing(typed: str) -> None:
    found = look_up(typed)
    assert found.place is None and not found.exact and not found.close
    assert find_places(typed) == []


def test_find_places_keeps_its_old_contract() -> None:
    assert find_places("koeln")[0].name == "Köln"
    assert [p.name for p in find_places("Frankfurt")] == ["Frankfurt am Main",
                                                           "Frankfurt (Oder)"]
    assert len(find_places("Neustadt", limit=3)) == 3


def test_the_gazetteer_is_loaded_once() -> None:
    places, names = gazetteer()
    assert len(places) > 10_000 and "koeln" in names
    assert gazetteer() is gazetteer()
