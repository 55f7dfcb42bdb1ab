"""An advert's description read for what the job asks: tasks and profile are essential,
wishes optional, what the employer offers and how to apply are left out."""

from __future__ import annotations

from matcher.intake.advert_text import requirements
from matcher.intake.language_levels import take_languages

ADVERT = """Wir suchen ab sofort eine Verkaufskraft für unsere Filiale.

Ihre Aufgaben:
• Beratung und Bedienung unserer Kunden
• Kassieren und Kassenabrechnung

Ihr Profil:
- Erfahrung im Verkauf wünschenswert
- Gute Deutschkenntnisse (B1)
- abgeschlossene Ausbildung als Verkäufer/in

Wir bieten: Mitarbeiterrabatt, flexible Arbeitszeiten
- 30 Tage Urlaub
Bewerbung bitte an jobs@example.de"""


def test_sections_of_a_german_advert() -> None:
    asked = requirements(ADVERT)
    # the opening says which job it is; the tasks and the profile say what it asks
    assert asked.essential.splitlines() == [
        "Beratung und Bedienung unserer Kunden", "Kassieren und Kassenabrechnung",
        "Gute Deutschkenntnisse (B1)"]
    # the wish's own word is no skill to link; a qualification asked is none either
    assert asked.optional == "Erfahrung im Verkauf"


def test_html_an_english_advert_and_a_wish_inside_a_paragraph() -> None:
    asked = requirements("<p><b>About us</b></p><p>We are a family business.</p>"
                         "<p>Requirements:</p><ul><li>Forklift licence</li>"
                         "<li>HACCP is a plus</li></ul><p>What we offer</p><p>Free lunch</p>")
    assert (asked.essential, asked.optional) == ("Forklift licence", "HACCP")
    # with no section saying what the job asks, the opening is read
    asked = requirements("Spülkraft gesucht: Geschirr spülen, Küche reinigen.\n"
                         "Wir bieten:\n- Essen")
    assert asked.essential == "Spülkraft gesucht: Geschirr spülen, Küche reinigen."
    asked = requirements("Koch für Kantine. Suppen kochen. Staplerschein von Vorteil.")
    assert asked.essential.splitlines() == ["Koch für Kantine.", "Suppen kochen."]
    assert asked.optional == "Staplerschein"


def test_a_norwegian_advert() -> None:
    asked = requirements("Arbeidsoppgaver:\n- Sveising av stål\nØnskelige kvalifikasjoner:"
                         "\n- Truckførerbevis\nVi tilbyr:\n- Gode betingelser")
    assert (asked.essential, asked.optional) == ("Sveising av stål", "Truckførerbevis")
    # an abbreviation is no sentence end: "Deutsch mind. A2" stays one requirement
    asked = requirements("Deutsch mind. A2. Führerschein von Vorteil.")
    assert (asked.essential, asked.optional) == ("Deutsch mind. A2.", "Führerschein")


def test_how_well_a_language_is_asked_for_goes_with_it() -> None:
    found: dict[str, str] = {}
    assert take_languages("Kasse, sehr gute Deutschkenntnisse B2", found) == "Kasse"
    assert take_languages("fluent English C1, forklift licence", found) == "forklift licence"
    assert take_languages("Svært gode norskkunnskaper, minst B2", found) == ""
    assert found == {"de": "B2", "en": "C1", "no": "B2"}
