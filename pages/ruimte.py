"""Monitor ruimtelijke ordening en wonen: woningbouw against the target, plan capacity against the
remaining need, the project pipeline, and woningen and inwoners per wijk and buurt."""

from metrics import format as fmt
from metrics import uses
from ui import blocks_ruimte, report
from ui.report import Col, Fig, Filter, Tile

(
    nieuwbouw, voorraad, saldo, woningbouwdoel, norm, uitval_hard, uitval_zacht,
    doelpad, cumulatief, resterend, nodig, dekking, na_uitval, dekking_na_uitval,
    plancapaciteit, plan_hard, plan_zacht,
    projecten, projecten_woningen, pijplijn, opgeleverd, prognose, te_laat, woningen_te_laat, vertraging, later_opgeleverd,
    woningen, inwoners, woningen_groei, inwoners_groei, per_woning,
    cbs_woningen, cbs_inwoners, cbs_woningen_groei, cbs_inwoners_groei, cbs_per_woning,
) = uses(
    "ruimte",
    "nieuwbouw", "woningvoorraad", "saldo_woningvoorraad", "woningbouwdoel", "plancapaciteit_norm", "planuitval_hard", "planuitval_zacht",
    "doelpad", "nieuwbouw_cumulatief", "resterende_opgave", "plancapaciteit_nodig", "plancapaciteit_dekking", "plancapaciteit_na_uitval",
    "plancapaciteit_dekking_na_uitval",
    "plancapaciteit", "plancapaciteit_hard", "plancapaciteit_zacht",
    "projecten", "projecten_woningen", "woningen_pijplijn", "opgeleverd", "prognose_nieuwbouw_cumulatief", "projecten_te_laat",
    "woningen_te_laat", "vertraging_oplevering", "aandeel_later_opgeleverd",
    "woningen", "inwoners", "woningen_groei", "inwoners_groei", "inwoners_per_woning",
    "cbs_woningen", "cbs_inwoners", "cbs_woningen_groei", "cbs_inwoners_groei", "cbs_inwoners_per_woning",
)  # fmt: skip

# Drawn by the blocks of ui.blocks_ruimte (the stock account, the beleidsmix), declared here too.
uses("ruimte", "beginstand_woningvoorraad", "sloop", "overige_toevoeging", "overige_onttrekking", "correctie_woningvoorraad", "beleidsmix_aandeel")

r = report.page(
    "ruimte",
    "Woningbouw tegen de opgave: hoeveel er gebouwd is (CBS), of er genoeg in plannen zit, wat de projecten in de pijplijn opleveren, en waar de stad groeit.",
)
inst = r.engine.analysis("wonen.instellingen")
gemeente = r.page.gemeente if r.page.build else (inst.gemeente or "De gemeente")  # Markdown-escaped: it goes into headings
peiljaar = r.engine.info.peildatum.year
projecten_zichtbaar = r.engine.allowed(pijplijn) and r.engine.available(pijplijn)

# --- filters --------------------------------------------------------------------------------
cbs_jaren = r.years(nieuwbouw)
filters = [Filter("jaar", label="Jaar (CBS-cijfers)")] if cbs_jaren else []
filters.append(Filter("wijk", multi=True))
if projecten_zichtbaar:
    filters.append(Filter("segment", all_label="Alle segmenten"))
sel = r.filters(filters, main=pijplijn.name if r.engine.allowed(pijplijn) else nieuwbouw.name, years=cbs_jaren)
jaar = sel.jaar
doel = inst.heeft_doel
van, tot = inst.doel_van, inst.doel_tot


def signed(value: float | None) -> str:
    """A count with its sign (+127, -127), for deltas."""
    if value is None:
        return fmt.MISSING
    return ("+" if value > 0 else "-" if value < 0 else "") + fmt.number(abs(value), "aantal")


# --- headline -------------------------------------------------------------------------------
if jaar is None:
    r.section(f"{gemeente}: woningbouw")
    r.missing(nieuwbouw)
    r.note("Zonder CBS-woningvoorraad (bron cbs_woningvoorraad, 81955NED) zijn er geen cijfers over nieuwbouw en voorraad; de plancapaciteit en de projecten staan hieronder.")
else:
    r.section(
        f"{gemeente} in {jaar}",
        "Nieuwbouw en voorraad volgens CBS (81955NED); plancapaciteit volgens de provinciale plancapaciteitsmonitors. "
        + (f"Doel: {fmt.value(woningbouwdoel, r.row(Fig(woningbouwdoel, where={}))['waarde'])} woningen in {van} t/m {tot}." if doel else ""),
    )
    if doel:
        gebouwd_label = f"Gebouwd {van}–{jaar}" if jaar > van else f"Gebouwd in {van}" if jaar == van else f"Gebouwd sinds {van}"
        opgave_tiles = [
            Tile(
                cumulatief,
                compare=None,
                label=gebouwd_label,
                change_text=lambda row: None if row["verschil"] is None else signed(row["verschil"]),
                delta_description="t.o.v. het doelpad",
                note=f"CBS-nieuwbouw opgeteld vanaf {van}, tegen het doelpad: het doel gelijk verdeeld over {van} t/m {tot}.",
            ),
            Tile(
                resterend,
                compare=None,
                label=f"Nog te bouwen t/m {tot}",
                note=f"De resterende opgave: het doel min de nieuwbouw {van} t/m {jaar}.",
            ),
        ]
    else:
        opgave_tiles = [
            Tile(cumulatief, compare=None, label=f"Nieuwbouw {min(cbs_jaren)} t/m {jaar}", note="Geen woningbouwdoel in de instellingen: opgeteld vanaf het eerste CBS-jaar."),
            Tile(saldo, label=f"Groei woningvoorraad {jaar}"),
        ]
    r.tiles(
        [
            Tile(nieuwbouw, label=f"Nieuwbouw {jaar}", note=f"Nieuwgebouwde woningen volgens CBS; verschil met {jaar - 1}."),
            Tile(voorraad, label=f"Voorraad eind {jaar}", note=f"Eindstand 31 december {jaar} (CBS); verschil met eind {jaar - 1}."),
            *opgave_tiles,
        ],
        columns=4,
    )
r.tiles(
    [
        Tile(plancapaciteit, compare=None, label="Plancapaciteit", note="Harde en zachte plannen samen (en plannen van onbekende hardheid); stand van de provinciale monitor."),
        Tile(plan_hard, compare=None, label="Harde plancapaciteit", note="Plannen met een vastgesteld ruimtelijk besluit."),
        Tile(plan_zacht, compare=None, label="Zachte plancapaciteit", note="Plannen zonder vastgesteld ruimtelijk besluit."),
        Tile(
            dekking,
            compare=None,
            label="Plancapaciteit / opgave",
            where={"jaar": jaar} if jaar else {},
            change_text=lambda row: None if row["verschil_norm"] is None else fmt.points(row["verschil_norm"]).replace(" procentpunt", " pp"),
            delta_description="t.o.v. de norm",
            note=f"Plancapaciteit gedeeld door de resterende opgave (nog te bouwen). Norm: {fmt.value(norm, r.row(Fig(norm, where={}))['waarde'])}, uit de instellingen van de gemeente.",
        )
        if doel
        else Tile(na_uitval, compare=None, label="Plancapaciteit na planuitval", note="Na de verwachte planuitval uit de (standaard)instellingen."),
    ],
    columns=4,
)
if not doel:
    r.note(
        f"{gemeente} heeft geen woningbouwdoel in de instellingen ({'standaardinstellingen' if inst.standaard else inst.bestand}): de resterende opgave, "
        "het doelpad en de plancapaciteit tegen de opgave kunnen niet worden berekend. Leg het doel vast onder [wonen.woningbouwdoel] in "
        f"data_sources/gemeenten/{r.engine.info.gemeente}.toml en bouw opnieuw."
    )

# --- woningvoorraad over time -----------------------------------------------------------------
r.section("Woningvoorraad: wat erbij kwam en wat eraf ging", "Per jaar de mutaties van CBS: beginstand + nieuwbouw + overige toevoeging − sloop − overige onttrekking + correctie = eindstand.")
r.skipped(nieuwbouw)
blocks_ruimte.voorraad(r, title="Mutaties van de woningvoorraad per jaar")

# --- against the target ---------------------------------------------------------------------
if jaar is not None:
    r.section(
        "Nieuwbouw tegen het woningbouwdoel" if doel else "Nieuwbouw opgeteld",
        (f"Gebouwd (CBS) en het doelpad: {fmt.value(woningbouwdoel, r.row(Fig(woningbouwdoel, where={}))['waarde'])} woningen in {van} t/m {tot}, gelijk verdeeld over de jaren." if doel else None),
    )
    lijnen = [Fig(cumulatief, where={}, label="Gebouwd (CBS, opgeteld)")]
    if doel:
        lijnen.append(Fig(doelpad, where={}, label="Doelpad"))
        row = r.row(Fig(resterend, where={"jaar": jaar}))
        stand = r.row(Fig(cumulatief, where={"jaar": jaar}))
        if stand["waarde"] is not None and stand["verschil"] is not None:
            achter = stand["verschil"] < 0
            r.prose(
                f"Tot en met {jaar} zijn er **{fmt.number(stand['waarde'], 'aantal')}** woningen gebouwd sinds {van}; volgens het doelpad "
                f"hadden dat er {fmt.number(stand['doelpad'], 'aantal')} moeten zijn: **{fmt.number(abs(stand['verschil']), 'aantal')} "
                f"{'achter' if achter else 'voor'}**."
                + (
                    f" Om het doel in {tot} te halen zijn nog **{fmt.number(row['per_jaar_nodig'], 'aantal')} woningen per jaar** nodig "
                    f"({fmt.number(row['waarde'], 'aantal')} in {row['jaren_over']} jaar)."
                    if row["per_jaar_nodig"] is not None
                    else ""
                )
            )
    prognose_tekst = None
    if r.engine.allowed(prognose) and r.engine.available(prognose) and r.engine.scope.wijken is None:
        lijnen.append(Fig(prognose, where={}, label="Prognose uit projecten"))
        if doel:
            eind = r.row(Fig(prognose, where={"jaar": tot}))
            if eind["waarde"] is not None:
                prognose_tekst = (
                    f"Met de projecten in de pijplijn komt de teller eind {tot} naar verwachting op **{fmt.number(eind['waarde'], 'aantal')}** "
                    f"woningen: {fmt.number(eind['waarde'] / eind['doelpad'], 'procent')} van het doel."
                )
    elif not r.engine.allowed(prognose):
        r.caption("De prognose uit projecten komt uit de interne projectenlijst van de gemeente en is niet zichtbaar voor de rol " + r.engine.scope.spec.label + ".")
    elif r.engine.scope.wijken is not None:
        r.caption("De prognose uit projecten gaat over de hele gemeente; met uw rol ziet u alleen de projecten in uw wijken, dus staat ze hier niet.")
    else:
        r.caption(r.why_not(prognose))
    r.trend(lijnen, by="jaar", title="Nieuwbouw opgeteld" + (f" sinds {van}, tegen het doel" if doel else ""), description=prognose_tekst)
    if any(f.m.name == prognose.name for f in lijnen):
        r.caption(prognose.description)
        r.table(
            "jaar",
            [Col(prognose, where={}, columns=(("verwacht", "Verwachte oplevering in het jaar", "aantal"), ("waarde", "Opgeteld (prognose)", "aantal"), ("doelpad", "Doelpad", "aantal")))],
            name="Prognose nieuwbouw uit projecten",
            expander="Prognose per jaar (tabel)",
        )

# --- plan capacity against the need -----------------------------------------------------------
r.section(
    "Plancapaciteit tegen de opgave",
    "Hoeveel woningen er in plannen zitten (provinciale plancapaciteitsmonitor), tegen wat er nog gebouwd moet worden.",
)
if not r.missing(plancapaciteit):
    # Hard: the plan has a vastgesteld ruimtelijk besluit behind it (the 'harde plancapaciteit' of the
    # Ladder voor duurzame verstedelijking, Pels Rijcken 2016); zacht: plans and potential locations
    # without one (plancapaciteit.nl, Provincie Noord-Holland/MRA). Provinces draw the line a little
    # differently (Centerpoint Advies, 'Plannen over de schutting', 2022).
    r.prose(
        "**Hard** zijn plannen waarvoor een vastgesteld ruimtelijk besluit geldt (bestemmingsplan, omgevingsplan of omgevingsvergunning): "
        "er mag gebouwd worden. **Zacht** zijn plannen zonder zo'n besluit: in voorbereiding, in een visie of een mogelijke woningbouwlocatie. "
        "Provincies trekken die grens niet overal precies gelijk."
    )
    if doel and jaar is not None:
        d = r.row(Fig(dekking, where={"jaar": jaar}))
        n = r.row(Fig(na_uitval, where={}))
        dn = r.row(Fig(dekking_na_uitval, where={"jaar": jaar}))
        uh, uz = r.row(Fig(uitval_hard, where={}))["waarde"], r.row(Fig(uitval_zacht, where={}))["waarde"]
        if d["waarde"] is not None:
            boven = d["verschil_norm"] >= 0
            r.prose(
                f"De plancapaciteit is **{fmt.number(d['waarde'], 'procent')}** van de resterende opgave na {jaar} "
                f"({fmt.number(d['plancapaciteit'], 'aantal')} tegen {fmt.number(d['resterende_opgave'], 'aantal')}): "
                f"{'boven' if boven else 'onder'} de norm van {fmt.number(d['norm'], 'procent')}. "
                f"Na de verwachte planuitval ({fmt.number(uh, 'procent')} van de harde, {fmt.number(uz, 'procent')} van de zachte plannen) "
                f"blijft er **{fmt.number(n['waarde'], 'aantal')}** over: **{fmt.number(dn['waarde'], 'procent')}** van de opgave"
                + (", dus te weinig om het doel te halen." if dn["waarde"] is not None and dn["waarde"] < 1 else ".")
            )
    blocks_ruimte.plancapaciteit(r, jaar if doel else None, title="Plancapaciteit tegen de resterende opgave")
    r.table(
        "hardheid",
        [
            Col(plancapaciteit, where={}),
            Col(na_uitval, where={}, columns=(("uitval", "Verwachte planuitval", "procent"), ("waarde", "Na planuitval (woningen)", "aantal"))),
        ],
        name="Plancapaciteit per hardheid",
    )
    r.caption(
        "Norm: " + (inst.norm_bron or "niet ingesteld.") + " Planuitval: " + (inst.uitval_toelichting or "niet ingesteld.")
        + " Plannen van onbekende hardheid rekenen we als zacht. De plancapaciteit is één stand, die van de geladen provinciale monitor: wat "
        "sinds die stand is gebouwd telt in de nieuwbouw én (nog) in de plannen, dus vergelijk haar met de opgave na het jaar van die stand."
    )  # fmt: skip

# --- the pipeline (internal) ---------------------------------------------------------------------
area = r.page.area[0].upper() + r.page.area[1:]
r.section(f"Woningbouwprojecten: de pijplijn · {area}", "Uit de projectenlijst van de gemeente (intern): elk project met segment, status en geplande oplevering.")
if not r.missing(pijplijn):
    proj = sel.where(projecten_woningen, jaar=None)
    r.tiles(
        [
            Tile(pijplijn, compare=None, where=sel.where(pijplijn, jaar=None), label="Woningen in de pijplijn", note="Status zacht, hard of in aanbouw."),
            Tile(pijplijn, compare=None, where=sel.where(pijplijn, jaar=None) | {"projectstatus": ["hard", "in aanbouw"]}, label="Waarvan hard of in aanbouw"),
            Tile(
                te_laat,
                compare=None,
                where=sel.where(te_laat),
                label="Projecten te laat",
                note=f"Nog niet opgeleverd, terwijl de geplande oplevering voor de peildatum ({fmt.date(r.engine.info.peildatum)}) ligt.",
            ),
            Tile(
                vertraging,
                compare=None,
                where=sel.where(vertraging, jaar=None),
                label="Vertraging oplevering (mnd)",
                note="Opgeleverde projecten: gemiddeld aantal maanden tussen geplande en werkelijke oplevering, gewogen naar woningen.",
            ),
        ],
        columns=4,
    )
    left, right = r.columns(2)
    with left:
        blocks_ruimte.trechter(r, proj, title="Van idee tot opgeleverd: woningen per projectstatus")
    with right:
        blocks_ruimte.pijplijn_per_wijk(r, proj, title="Woningen in projecten per wijk, naar status")
    per_jaar = r.row(Fig(doelpad, where={}))["per_jaar"] if doel else None
    blocks_ruimte.opleveringen_per_jaar(r, sel.where(pijplijn, jaar=None), per_jaar, title="De pijplijn naar jaar van geplande oplevering")

    r.section("Segmenten tegen de beleidsmix", "Welk deel van de woningen in de pijplijn (en van wat er is opgeleverd) in elke categorie van de beleidsmix valt.")
    if sel.codes("segment"):
        r.caption("Het filter op segment geldt hier niet: de vergelijking gaat over alle segmenten samen.")
    mix_where = sel.where(pijplijn, jaar=None, segment=None)
    sinds = van if doel else peiljaar - 4
    blocks_ruimte.beleidsmix(
        r, inst,
        Fig(pijplijn, where=mix_where),
        Fig(opgeleverd, where=sel.where(opgeleverd, segment=None) | {"jaar": list(range(sinds, peiljaar + 1))}),
        opgeleverd_label=f"Opgeleverd {sinds}–{peiljaar}", title="Pijplijn en opleveringen tegen de beleidsmix",
    )  # fmt: skip

    r.section("Projecten over hun geplande oplevering", f"Projecten die nog niet zijn opgeleverd terwijl de geplande datum voor de peildatum ({fmt.date(r.engine.info.peildatum)}) ligt.")
    blocks_ruimte.te_laat(r, sel.codes("wijk"), sel.codes("segment"), title="Projecten over hun geplande oplevering")
    r.table(
        "jaar",
        [Col(vertraging, where=sel.where(vertraging, jaar=None), columns=(
            ("waarde", "Gemiddelde vertraging (maanden)", "decimaal"),
            ("later", "Later opgeleverd dan het geplande jaar", "procent"),
            ("woningen", "Opgeleverde woningen", "aantal"),
        ))],
        name="Vertraging bij oplevering per jaar",
    )  # fmt: skip
    r.caption(
        "Per jaar van werkelijke oplevering: hoeveel maanden later dan gepland (gewogen naar woningen; negatief is eerder) en welk deel "
        "van de woningen in een later jaar kwam dan gepland, en dus in de jaarcijfers van dat jaar ontbrak."
    )

# --- per wijk and buurt ----------------------------------------------------------------------------
r.section("Woningen en inwoners per wijk en buurt", "Waar de stad groeit: woningen en inwoners op 1 januari, en de groei sinds het begin van het doel.")
if r.engine.available(woningen):
    stand_w, stand_i, groei_w, groei_i, per_w, bron = woningen, inwoners, woningen_groei, inwoners_groei, per_woning, "cijfersoverzwolle.nl"
elif r.engine.available(cbs_woningen):
    stand_w, stand_i, groei_w, groei_i, per_w, bron = cbs_woningen, cbs_inwoners, cbs_woningen_groei, cbs_inwoners_groei, cbs_per_woning, "CBS Kerncijfers wijken en buurten"
else:
    stand_w = None
    r.missing(woningen, cbs_woningen)
    r.note("Geen gegevens per wijk en buurt geladen: laad zwolle_portaal (cijfersoverzwolle.nl) of cbs_kwb (CBS Kerncijfers wijken en buurten).")
if stand_w is not None:
    bev_jaren = r.years(stand_w)
    # The stock at the end of the chosen CBS year is the count on 1 January of the next.
    peil = next((y for y in bev_jaren if jaar is None or y <= jaar + 1), bev_jaren[-1])
    basis = r.row(Fig(groei_w, where={"jaar": peil}))["basisjaar"]
    wijken = sel.codes("wijk")
    r.caption(
        f"Bron: {bron}. Stand op 1 januari {peil}"
        + (f" (eind {peil - 1}, het gekozen CBS-jaar)" if jaar is not None and peil == jaar + 1 else "")
        + f"; groei sinds 1 januari {basis}"
        + (" (begin van het woningbouwdoel)." if doel and basis == van else " (het eerste jaar met cijfers).")
        + (f" Op 1 januari {peil} is er nog geen groei sinds {basis}: kies een later jaar." if peil < basis else "")
    )

    def per_niveau(level: str) -> None:
        where = {"jaar": peil} | ({"wijk": list(wijken)} if wijken else {})
        left, right = r.columns(2)
        with left:
            r.map(Fig(groei_w, where=where), level=level, title=f"Groei woningen per {level} sinds 1 januari {basis}")
        with right:
            r.map(Fig(stand_w, where=where), level=level, title=f"Woningen per {level}, 1 januari {peil}")
        r.table(
            level,
            [
                Col(stand_w, where=where, compare=("vorig_jaar",)),
                Col(groei_w, where=where, columns=(("waarde", f"Groei woningen sinds {basis}", "aantal"), ("groei_pct", "Groei woningen (%)", "verandering"))),
                Col(stand_i, where=where),
                Col(groei_i, where=where, columns=(("waarde", f"Groei inwoners sinds {basis}", "aantal"), ("groei_pct", "Groei inwoners (%)", "verandering"))),
                Col(per_w, where=where, compare=("vorig_jaar",)),
            ],
            name=f"Woningen en inwoners per {level} {peil}",
            height=420 if level == "buurt" and not wijken else "auto",
        )

    r.tabs({"Per wijk": lambda: per_niveau("wijk"), "Per buurt": lambda: per_niveau("buurt")}, key="niveau")
    trend_where = {"wijk": list(wijken)} if wijken else {}
    wat = ", ".join(n for d, names in sel.labels if d == "wijk" for n in names) or gemeente
    left, right = r.columns(2)
    with left:
        r.trend([Fig(groei_w, where=trend_where)], by="jaar", title=f"Woningen erbij sinds 1 januari {basis} · {wat}")
    with right:
        r.trend([Fig(groei_i, where=trend_where)], by="jaar", title=f"Inwoners erbij sinds 1 januari {basis} · {wat}")

# --- settings -----------------------------------------------------------------------------------------
r.section("Instellingen en aannames", "De doelen, normen en aannames achter deze pagina, met hun bron.")
blocks_ruimte.instellingen(r, inst, [woningbouwdoel, norm, uitval_hard, uitval_zacht])
