"""Veiligheid in wijken: misdrijven, overlast en meldingen per wijk en buurt, voor de lokale driehoek."""

from metrics import format as fmt
from metrics import uses
from metrics import veiligheid as vg
from ui import blocks_veiligheid, report, selection
from ui.report import Col, Fig, Filter, Tile

(misdrijven, per_1000, hic, inbraken, straatroven, overvallen, geweld, overlast, meldingen, binnen_termijn, termijn, afhandeltijd, open_meldingen,
 jeugdigen, jeugd_per_1000) = uses(
    "veiligheid",
    "misdrijven", "misdrijven_per_1000", "high_impact_crimes", "woninginbraken", "straatroven", "overvallen", "hic_geweld", "overlast",
    "meldingen", "pct_binnen_termijn", "afhandeltermijn", "afhandeltijd", "meldingen_open", "jeugdigen", "jeugdigen_per_1000",
)  # fmt: skip

r = report.page(
    "veiligheid",
    "Voor de lokale driehoek (burgemeester, politie, OM) en de wijkmanagers: hoeveel misdrijven en overlast er zijn, waar, hoe dat verandert, "
    "en hoe een wijk ervoor staat naast de gemeente, met een wijkrapport om mee te nemen.",
)
if r.missing(misdrijven):
    r.stop()

peil = r.engine.info.peildatum
laatste = r.latest_year(misdrijven, before=peil.year) or r.latest_year(misdrijven)
sel = r.filters(
    [Filter("jaar"), Filter("soort_misdrijf", url="soort", label="Soort misdrijf (kaart, tabel en trend)", options_from="misdrijven", all_label="Alle soorten")],
    main="misdrijven",
    default_year=laatste,
)
jaar, soort = sel.jaar, sel.value("soort_misdrijf")
gemeente = r.page.gemeente if r.page.build else "De gemeente"  # Markdown-escaped: it goes into headings
wijk, niveau = blocks_veiligheid.keuzes(r)
wijknaam = r.engine.labels("wijk").get(wijk, wijk) if wijk else None
wijkkop = selection.md_text(wijknaam) if wijknaam else None  # the name in headings and prose (Markdown)
soortnaam = dict(sel.labels).get("soort_misdrijf", ("alle soorten",))[0]
if jaar == peil.year:
    r.caption(f"{jaar} loopt nog (peildatum {fmt.date(peil)}): de cijfers van dit jaar zijn maandcijfers tot nu toe, niet een heel jaar.")

# --- headline -------------------------------------------------------------------------------
r.section(f"{gemeente} in {jaar}", "Door de politie geregistreerde misdrijven en overlast (CBS/Politie), en meldingen openbare ruimte van de gemeente.")
heel_jaar = {"jaar": jaar}
eigen = r.engine.scope.wijken is not None  # internal figures cover the user's own wijken only
dekking = r.engine.analysis("veiligheid.dekking", jaar)  # what the loaded politie files hold for the year
per_inwoner = r.engine.available(per_1000)
r.tiles(
    [
        Tile(misdrijven, where=heel_jaar, label=f"Geregistreerde misdrijven {jaar}"),
        Tile(per_1000, where=heel_jaar, note="Inwoners op 1 januari van hetzelfde jaar (cijfersoverzwolle.nl)."),
        *(
            [Tile(hic, where=heel_jaar, label="High-impact crimes", note="Woninginbraak (1.1.1), straatroof (1.4.6), overval (1.4.7) en geweld (1.4.1-1.4.5).")]
            if dekking.soorten
            else []
        ),
        Tile(overlast, where=heel_jaar),
        Tile(meldingen, where=heel_jaar, label="Meldingen openbare ruimte" + (", uw wijken" if eigen else ""),
             note=f"Interne registratie van de gemeente (MOR); {r.page.area}."),  # fmt: skip
        Tile(binnen_termijn, where=heel_jaar, label="Binnen termijn afgehandeld" + (", uw wijken" if eigen else ""),
             note="De termijn komt uit de instellingen van de gemeente (afhandeltermijn, werkdagen)."),  # fmt: skip
    ]
)
blocks_veiligheid.optelling(r, dekking)
if dekking.soorten:
    r.prose("**High-impact crimes naar soort**")
    r.tiles(
        [
            Tile(inbraken, where=heel_jaar, label="Woninginbraak", change_text=blocks_veiligheid.verschil),
            Tile(straatroven, where=heel_jaar, label="Straatroof", change_text=blocks_veiligheid.verschil),
            Tile(overvallen, where=heel_jaar, label="Overval", change_text=blocks_veiligheid.verschil),
            Tile(geweld, where=heel_jaar, label="Geweld", change_text=blocks_veiligheid.verschil),
        ],
        columns=4,
    )
else:
    r.note(
        f"De geladen politiecijfers voor {jaar} bevatten alleen het totaal van de misdrijven, niet de soorten: high-impact crimes en de "
        "uitsplitsing naar soort zijn er niet. Laad de tabel 47018NED met alle soorten misdrijf om ze te zien."
    )
if r.engine.allowed(termijn) and r.engine.available(termijn) and r.engine.available(meldingen):
    r.text("Afhandeltermijn meldingen volgens de instellingen van de gemeente: **{t}**.", t=Fig(termijn))

# --- per wijk and buurt -------------------------------------------------------------------------
r.section(
    f"Per {niveau}: misdrijven{' per 1.000 inwoners' if per_inwoner else ''}, {jaar}" + (f" · {selection.md_text(soortnaam)}" if soort else ""),
    "Elke wijk of buurt naast de gemeente (index: gemeente = 100), met de toevalsmarge van elk cijfer."
    if per_inwoner
    else "Aantallen per wijk of buurt: zonder bevolkingscijfers (cijfersoverzwolle.nl) is er geen cijfer per 1.000 inwoners.",
)
blocks_veiligheid.gebieden(r, "misdrijven", niveau, jaar, soort, title=f"Misdrijven per {niveau}, {jaar}" + (f", {soortnaam}" if soort else ""))

if wijk and dekking.soorten:
    r.prose(f"**Per soort misdrijf: {wijkkop} tegen de gemeente, {jaar}**")
    blocks_veiligheid.soorten(r, wijk, wijknaam, jaar)
    r.caption(
        "Soorten volgens de politie (CBS/Politie 47018NED, dimensie SoortMisdrijf). Index: het cijfer per 1.000 inwoners van de wijk "
        "tegen dat van de gemeente (100); een index boven 100 betekent vaker dan gemiddeld in de gemeente. Zedenmisdrijven (1.4.1) "
        "publiceert de politie niet per wijk of buurt."
    )

# --- trend ----------------------------------------------------------------------------------
r.section(f"Trend: {wijkkop or gemeente} en de gemeente", "Per jaar, en per maand met het seizoenspatroon.")
left, right = r.columns(2)
with left:
    figs = [Fig(per_1000, where={}, label=gemeente)]
    if wijk:
        figs.insert(0, Fig(per_1000, where={"wijk": wijk}, label=wijknaam))
    # Whole years only: the running year would read as a drop.
    r.trend(figs, by="jaar", title="Misdrijven per 1.000 inwoners per jaar", years=[y for y in sel.years if y <= jaar and (y < peil.year or y == jaar)])
with right:
    maand_where = {"jaar": [y for y in sel.years if y >= jaar - 2 and y <= jaar]} | ({"wijk": wijk} if wijk else {}) | ({"soort_misdrijf": soort} if soort else {})
    if dekking.maandjaren:
        r.trend([Fig(misdrijven, where=maand_where, label=wijknaam or gemeente)], by="maand", title=f"Misdrijven per maand, {wijknaam or gemeente}")
    else:
        r.note("Geen maandcijfers geladen (CBS/Politie 47022NED): de trend per maand en het seizoenspatroon ontbreken.")
if dekking.maandjaren:

    def seizoen_misdrijven() -> None:
        left, right = r.columns(2)
        with left:
            blocks_veiligheid.seizoen(r, "misdrijven", title=f"Seizoenspatroon misdrijven, {gemeente}", soort=soort)
        with right:
            if wijk:
                blocks_veiligheid.seizoen(r, "misdrijven", title=f"Seizoenspatroon misdrijven, {wijknaam}", wijken=(wijk,), soort=soort)

    r.details("Seizoenspatroon misdrijven: welke maanden zijn drukker dan gemiddeld?", seizoen_misdrijven, key="seizoen-misdrijven")

# --- overlast -------------------------------------------------------------------------------
r.section(f"Overlast in {jaar}", "Registraties van overlast door de politie, per categorie (CBS/Politie 47024NED).")
if not r.missing(overlast):
    r.bars(Fig(overlast, where=heel_jaar, compare=("aandeel",)), "soort_overlast", title=f"Overlast per categorie, {jaar}")
    r.details(
        "Seizoenspatroon overlast: welke maanden zijn drukker dan gemiddeld?",
        lambda: blocks_veiligheid.seizoen(r, "overlast", title=f"Seizoenspatroon overlast, {gemeente}"),
        key="seizoen-overlast",
    )
    r.table("soort_overlast", [Col(overlast, compare=("vorig_jaar", "aandeel"), where=heel_jaar)], name=f"Overlast per categorie {jaar}")
    blocks_veiligheid.gebieden(r, "overlast", niveau, jaar, title=f"Overlast per {niveau}, {jaar}")

# --- meldingen openbare ruimte ----------------------------------------------------------------------
r.section(f"Meldingen openbare ruimte, {jaar} · {r.page.area}", "Wat bewoners melden over de openbare ruimte, en hoe snel de gemeente het afhandelt.")
if not r.missing(meldingen, binnen_termijn, afhandeltijd):
    r.bars(Fig(meldingen, where=heel_jaar), "meldingcategorie", title=f"Meldingen per categorie, {jaar}")
    r.details(
        "Seizoenspatroon meldingen: welke maanden zijn drukker dan gemiddeld?",
        lambda: blocks_veiligheid.seizoen(r, "meldingen", title="Seizoenspatroon meldingen", wijken=tuple(sorted(r.engine.scope.wijken or ()))),
        key="seizoen-meldingen",
    )
    r.table(
        "meldingcategorie",
        [
            Col(meldingen, compare=("vorig_jaar",), where=heel_jaar),
            Col(afhandeltijd, where=heel_jaar),
            Col(binnen_termijn, compare=("vorig_jaar",), where=heel_jaar),
            Col(open_meldingen, where=heel_jaar),
        ],
        name=f"Meldingen per categorie {jaar}",
        largest_first=True,
        height=420,
    )
    r.caption(
        "Afhandeltijd: de mediaan in kalenderdagen van melding tot afhandeling. Binnen termijn: het deel van de afgehandelde meldingen dat "
        "binnen de afhandeltermijn van de gemeente (werkdagen) klaar was. Openstaand: nog zonder afhandeldatum."
    )

# --- wijkprofiel ----------------------------------------------------------------------------------
if wijk:
    r.section(f"Wijkprofiel {wijkkop}, {jaar}", "De wijk naast de gemeente: veiligheid, openbare ruimte, inwoners, wonen en jeugdhulp. Kies een andere wijk bovenaan.")
    r.missing(jeugdigen, jeugd_per_1000)
    blocks_veiligheid.wijkprofiel(r, wijk, jaar)

with r.expander("Over deze cijfers"):
    r.prose(
        "- **Misdrijven**: door de politie geregistreerde misdrijven (CBS/Politie 47018NED jaarcijfers, 47022NED maandcijfers), per wijk en "
        "buurt van de indeling van het jaar van de tabel. Het gemeentecijfer is het gepubliceerde cijfer en bevat ook misdrijven die niet aan "
        "een buurt zijn toe te wijzen; daardoor tellen de buurten niet precies op tot de gemeente.\n"
        "- **High-impact crimes**: woninginbraak (1.1.1), straatroof (1.4.6), overval (1.4.7) en geweld: zedenmisdrijf (1.4.1), moord en "
        "doodslag (1.4.2), openlijk geweld tegen personen (1.4.3), bedreiging (1.4.4) en mishandeling (1.4.5), zoals politie en OM die "
        "indelen ('woninginbraak, overvallen, straatroof en geweld').\n"
        "- **Inwoners**: op 1 januari per buurt (cijfersoverzwolle.nl), niet afgerond. CBS rondt aantallen inwoners per wijk en buurt af op "
        "vijftallen: wie CBS-cijfers optelt, komt daardoor iets anders uit dan het gemeentetotaal.\n"
        f"- **Kleine aantallen**: {vg.UITLEG}\n"
        "- **Meldingen openbare ruimte** en **jeugdhulp** zijn interne gegevens van de gemeente: alleen voor medewerkers, wijkmanagers zien "
        "hun eigen wijken; jeugdhulp is afgeschermd (afgerond op vijftallen, 0-7 als 'geheim')."
    )
