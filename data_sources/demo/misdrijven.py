"""Demo politie_misdrijven: 47018NED (yearly) and 47022NED (monthly) as cbsodataR CSV, with the
SoortMisdrijf dimension and DataProperties.

Zwolle's buurten follow their real 2023 counts, moved by population growth and a drifting local
trend; the mix of crime types follows the national mix, bent by what each buurt attracts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from data_sources.demo import politie, portaal
from data_sources.demo import zwolle as z
from data_sources.demo.regios import ANDERE, BUURTEN, NL, WIJK_VAN, WIJKEN, ZWOLLE, Regio, zwolle_ordered

STREAM = 12  # this module's generator stream: independent of the other demo modules
ONBEKEND = Regio("BU00000000", "Buurt onbekend", "Buurt")
# Share of all national registrations that the police cannot place in a buurt (2023: 3,798).
ONBEKEND_SHARE = 0.0047
LINK = "(uitgebreide beschrijving op https://www.politie.nl/algemeen/dataportaal/dataportaal-definities.html)"
TABLE = politie.Table(
    dimension="SoortMisdrijf",
    dimension_title="Soort misdrijf",
    measure="GeregistreerdeMisdrijven_1",
    measure_title="Geregistreerde misdrijven",
    measure_description=(
        "Totaal van de geregistreerde misdrijven, bron is de politieregistratie Basis Voorziening Informatie (BVI). "
        "Een geregistreerd misdrijf is een misdrijf, door de politie vastgelegd in een proces-verbaal."
    ),
    totaal=("0.0.0", "Totaal misdrijven"),
)
# Registrations in Nederland per year 2015..2023 (CBS/Politie); shares and trends follow them.
MISDRIJVEN_NL = (961_208, 914_207, 816_603, 770_427, 803_646, 797_805, 742_992, 799_895, 802_043)
ZEDEN = politie.Soort("1.4.1", "1.4.1 Zedenmisdrijf", f"Zedenmisdrijven; per wijk en buurt niet gepubliceerd.\n{LINK}",
                      (6805, 7486, 7612, 8278, 7357, 7306, 7847, 9088, 8214), "vlak", 0, 0)
MISDRIJVEN: tuple[politie.Soort, ...] = (
    politie.Soort("1.1.1", "1.1.1 Diefstal/inbraak woning", f"Diefstal of inbraak in of uit een woning, ook met geweld.\n{LINK}\n",
                  (64676, 55495, 49209, 42887, 39474, 30571, 23525, 24414, 22706), "winter", -0.5, -2.0),
    politie.Soort("1.1.2", "1.1.2 Diefstal/inbraak box/garage/schuur", f"Diefstal of inbraak in of uit een box, garage, schuur of erf.\n{LINK}\n",
                  (21224, 18493, 15235, 12526, 12250, 13804, 12285, 10677, 11000), "winter", -0.4, -1.0),
    politie.Soort("1.2.1", "1.2.1 Diefstal uit/vanaf motorvoertuigen", f"Diefstal uit of vanaf een personenauto.\n{LINK}",
                  (82098, 77412, 63759, 53478, 48515, 45250, 38642, 43210, 43515), "vlak", -0.1, 0.5),
    politie.Soort("1.2.2", "1.2.2 Diefstal van motorvoertuigen", f"Diefstal van een personenauto, motor, vracht- of bestelauto.\n{LINK}\n",
                  (14778, 13225, 11615, 10707, 9995, 9678, 7990, 9017, 9303), "vlak", -0.2, 0.6),
    politie.Soort("1.2.3", "1.2.3 Diefstal van brom-, snor-, fietsen", f"Diefstal van een fiets, bromfiets of snorfiets.\n{LINK}\n",
                  (123438, 110864, 91582, 82081, 81997, 76291, 71439, 92173, 96927), "zomer_herfst", 0.5, 0.0),
    politie.Soort("1.2.4", "1.2.4 Zakkenrollerij", f"Zakkenrollerij en tassenrollerij.\n{LINK}\n",
                  (29307, 25422, 20902, 15025, 12852, 6915, 5585, 10234, 12393), "december", 1.0, -1.0),
    politie.Soort("1.2.5", "1.2.5 Diefstal af/uit/van ov. voertuigen", f"Diefstal van of uit andere vervoermiddelen.\n{LINK}\n",
                  (17334, 15060, 14221, 13687, 16979, 17550, 16692, 24431, 28402), "vlak", -0.1, 0.8),
    politie.Soort("1.3.1", "1.3.1 Ongevallen (weg)", f"Verkeersongeval met letsel of dodelijke afloop; doorrijden na een ongeval.\n{LINK}",
                  (80796, 81047, 78787, 81167, 83072, 75133, 76068, 82834, 76458), "vlak", 0.0, 0.5),
    politie.Soort("1.4.2", "1.4.2 Moord, doodslag", f"Moord, doodslag en andere misdrijven tegen het leven, ook pogingen.\n{LINK}",
                  (3159, 3061, 2946, 2719, 2604, 2687, 2681, 2799, 2541), "vlak", 0.2, -0.5),
    politie.Soort("1.4.3", "1.4.3 Openlijk geweld (persoon)", f"Openlijke geweldpleging tegen personen.\n{LINK}",
                  (3909, 3691, 3773, 3607, 3733, 2910, 3343, 4068, 4037), "zomer", 0.6, -0.5),
    politie.Soort("1.4.4", "1.4.4 Bedreiging", f"Bedreiging, stalking, gijzeling en andere misdrijven tegen de persoonlijke vrijheid.\n{LINK}\n",
                  (31820, 30408, 27783, 26788, 28286, 29590, 26994, 25350, 23298), "zomer", 0.1, -0.3),
    politie.Soort("1.4.5", "1.4.5 Mishandeling", f"Eenvoudige en zware mishandeling.\n{LINK}\n",
                  (47471, 46248, 44085, 42331, 41787, 37582, 35759, 40591, 39268), "zomer", 0.3, -0.5),
    politie.Soort("1.4.6", "1.4.6 Straatroof", f"Beroving op straat met geweld of bedreiging.\n{LINK}",
                  (4738, 4179, 3591, 3534, 3781, 3187, 2318, 2484, 2435), "zomer", 0.5, -0.5),
    politie.Soort("1.4.7", "1.4.7 Overval", f"Overval in een woning of op een winkel, bedrijf of geldtransport.\n{LINK}",
                  (1226, 1152, 1111, 1148, 1177, 907, 684, 671, 541), "winter", 0.3, 0.3),
    politie.Soort("1.6.1", "1.6.1 Brand/ontploffing", f"Brandstichting en ontploffing.\n{LINK}",
                  (4880, 4770, 4677, 4600, 4738, 5049, 4113, 4227, 4103), "nieuwjaar", 0.0, 0.5),
    politie.Soort("1.6.2", "1.6.2 Overige vermogensdelicten", f"Onder meer oplichting, verduistering en heling.\n{LINK}",
                  (118279, 108948, 93906, 86966, 88449, 77472, 68667, 82918, 83379), "vlak", 0.2, 0.2),
    politie.Soort("2.2.1", "2.2.1 Vernieling cq. zaakbeschadiging", f"Vernieling van auto's, openbaar vervoer, gebouwen en andere zaken.\n{LINK}\n",
                  (102048, 94731, 81682, 72120, 76909, 78420, 72041, 71057, 69976), "nieuwjaar", 0.1, 0.3),
    politie.Soort("2.4.2", "2.4.2 Huisvredebreuk", f"Wederrechtelijk binnendringen of vertoeven in een woning of besloten lokaal.\n{LINK}",
                  (2069, 2298, 2112, 2328, 2676, 2622, 2494, 3032, 3234), "vlak", 0.0, -0.5),
    politie.Soort("2.5.1", "2.5.1 Diefstal/inbraak bedrijven enz.", f"Diefstal of inbraak in of uit bedrijven, scholen, sportcomplexen en andere gebouwen.\n{LINK}\n",
                  (29390, 26752, 22820, 19829, 19472, 16705, 11228, 12835, 12941), "winter", 0.3, 1.8),
    politie.Soort("2.5.2", "2.5.2 Winkeldiefstal", f"Diefstal uit een winkel.\n{LINK}\n",
                  (40239, 39095, 37610, 37491, 39229, 34343, 30714, 40142, 44844), "december", 0.9, 0.3),
    politie.Soort("2.6.9", "2.6.9 Vuurwerk", f"Overtreding van het Vuurwerkbesluit.\n{LINK}",
                  (608, 608, 827, 1087, 785, 1202, 1396, 1088, 373), "jaarwisseling", 0.1, -0.5),
    politie.Soort("3.1.1", "3.1.1 Drugshandel", f"Handel in hard- en softdrugs.\n{LINK}\n",
                  (13297, 12317, 11622, 12357, 13784, 12647, 11467, 11613, 13468), "vlak", 0.5, 0.0),
    politie.Soort("3.1.3", "3.1.3 Wapenhandel", f"Handel in en bezit van wapens en munitie.\n{LINK}",
                  (4966, 4876, 4243, 4943, 6226, 6601, 6756, 6840, 6662), "vlak", 0.3, 0.0),
    politie.Soort("3.5.2", "3.5.2 Onder invloed (weg)", f"Rijden onder invloed van alcohol of drugs.\n{LINK}",
                  (26715, 26057, 25427, 28547, 32541, 29285, 31584, 43388, 42799), "vlak", 0.1, 0.3),
    politie.Soort("3.5.5", "3.5.5 Weg (overig)", f"Overige misdrijven in het wegverkeer, zoals rijden zonder rijbewijs.\n{LINK}",
                  (4991, 5446, 5444, 6041, 6666, 8761, 9574, 11730, 12123), "vlak", 0.0, 0.3),
    politie.Soort("3.6.4", "3.6.4 Aantasting openbare orde", f"Onder meer belediging van ambtenaren en verstoring van de openbare orde.\n{LINK}",
                  (4825, 5436, 5227, 5673, 7002, 6525, 7508, 7526, 7937), "zomer", 0.5, 0.0),
    politie.Soort("3.7.3", "3.7.3 Maatsch. integriteit (overig)", f"Onder meer belediging, smaad en laster.\n{LINK}",
                  (10723, 10941, 10235, 10661, 11211, 12067, 11508, 11369, 10264), "vlak", 0.2, 0.0),
    politie.Soort("3.7.4", "3.7.4 Cybercrime", f"Computervredebreuk en andere misdrijven met ICT als doel.\n{LINK}",
                  (2152, 1809, 2228, 2839, 4718, 10825, 14174, 13996, 12029), "vlak", -0.6, -1.5),
    politie.Soort("3.9.1", "3.9.1 Horizontale fraude", f"Fraude tussen burgers en bedrijven onderling, zoals oplichting bij online handel.\n{LINK}\n",
                  (39318, 65542, 62362, 65263, 84618, 125446, 117640, 86734, 88132), "vlak", -0.6, -1.5),
)
MISDRIJVEN_TREND = 0.35  # Zwolle follows the national trend damped: a mild decline, not -20%
MISDRIJVEN_NA_2023 = 1.012  # yearly growth after the last national figure
MAANDCIJFERS_JAREN = 3  # the monthly table (47022NED) starts in January three years before the peildatum


def _nl_total(totals: Sequence[int], jaar: int, growth: float = 1.0) -> float:
    last = politie.NL_FIRST + len(totals) - 1
    return totals[min(jaar, last) - politie.NL_FIRST] * growth ** max(0, jaar - last)


@cache
def counts(seed: int, peildatum: dt.date) -> politie.Counts:
    """Monthly counts for NL00, Zwolle (gemeente, wijken, buurten), Deventer, Kampen, buurt onbekend."""
    rng = np.random.default_rng([seed, STREAM])
    jaren = tuple(range(politie.NL_FIRST, peildatum.year + 1))
    model = portaal.model(seed, peildatum.year)
    centrum, bedrijf, _ = politie.buurt_features()
    soorten = MISDRIJVEN
    nat = np.array([[politie.national(s, y) for s in soorten] for y in jaren], dtype=float)  # (years, soorten)
    nat_total = np.array([_nl_total(MISDRIJVEN_NL, y, MISDRIJVEN_NA_2023) for y in jaren])
    nat = nat * np.array([MISDRIJVEN_NA_2023 ** max(0, y - 2023) for y in jaren])[:, None]
    hidden_share = 1 - nat.sum(axis=1) / nat_total  # zeden and the soorten not listed

    # Zwolle's buurten: the real 2023 pattern, moved by population growth and a drifting local trend.
    inw = model.inwoners[[model.at(y) for y in jaren]].astype(float)
    growth = ((inw + 50) / (inw[jaren.index(2023)] + 50)) ** 0.6
    drift = np.zeros_like(inw)
    drift[0] = rng.normal(0, 0.1, inw.shape[1])
    for y in range(1, len(jaren)):
        drift[y] = 0.7 * drift[y - 1] + rng.normal(0, 0.07, inw.shape[1])
    weight = np.array([b.misdrijven_2023 for b in z.BUURTEN]) * growth * np.exp(drift)
    level = z.MISDRIJVEN_2023 * (nat_total / nat_total[jaren.index(2023)]) ** MISDRIJVEN_TREND
    per_buurt = level[:, None] * weight / weight.sum(axis=1, keepdims=True)  # (years, buurten)
    affinity = np.exp(np.outer(centrum, [s.centrum for s in soorten]) + np.outer(bedrijf, [s.kenmerk for s in soorten])
                      + rng.normal(0, 0.2, (len(z.BUURTEN), len(soorten))))
    mix = (nat / nat.sum(axis=1, keepdims=True))[:, None, :] * affinity[None]  # (years, buurten, soorten)
    mix /= mix.sum(axis=2, keepdims=True)
    expected = per_buurt[..., None] * (1 - hidden_share)[:, None, None] * mix
    buurten = politie.monthly(rng, expected.transpose(1, 0, 2), soorten)  # (buurten, years, 12, soorten)
    buurten_hidden = rng.poisson(per_buurt.T[..., None] * hidden_share[None, :, None] * politie.season(ZEDEN))

    per_soort: dict[str, np.ndarray] = {}
    hidden: dict[str, np.ndarray] = {}
    for i, b in enumerate(BUURTEN):
        per_soort[b.code], hidden[b.code] = buurten[i], buurten_hidden[i]
    for k, w in enumerate(WIJKEN):
        per_soort[w.code] = buurten[WIJK_VAN == k].sum(axis=0)
        hidden[w.code] = buurten_hidden[WIJK_VAN == k].sum(axis=0)
    # The gemeente also counts what could not be placed in a buurt.
    unplaced = politie.monthly(rng, expected.sum(axis=1) * politie.ZWOLLE_ONGEPLAATST, soorten)
    per_soort[ZWOLLE.code] = buurten.sum(axis=0) + unplaced
    unplaced_hidden = (per_buurt.sum(axis=1) * hidden_share * politie.ZWOLLE_ONGEPLAATST)[:, None] * politie.season(ZEDEN)
    hidden[ZWOLLE.code] = buurten_hidden.sum(axis=0) + rng.poisson(unplaced_hidden)

    national_mix = nat / nat.sum(axis=1, keepdims=True)
    for code, buurtsom in z.MISDRIJVEN_2023_BUURTSOM.items():
        total = buurtsom * (1 + politie.ZWOLLE_ONGEPLAATST) * (nat_total / nat_total[jaren.index(2023)]) ** MISDRIJVEN_TREND
        per_soort[code] = politie.monthly(rng, (total * (1 - hidden_share))[:, None] * national_mix, soorten)
        hidden[code] = rng.poisson((total * hidden_share)[:, None] * politie.season(ZEDEN))
    per_soort[NL.code] = politie.split_national(rng, np.round(nat).astype(np.int64), soorten)
    hidden[NL.code] = rng.multinomial(np.round(nat_total - nat.sum(axis=1)).astype(np.int64), politie.season(ZEDEN))
    per_soort[ONBEKEND.code] = politie.monthly(rng, nat * ONBEKEND_SHARE, soorten)
    hidden[ONBEKEND.code] = np.zeros((len(jaren), 12), dtype=np.int64)
    return politie.Counts(jaren, per_soort, hidden)


def _crime_regions(onbekend: bool) -> list[Regio]:
    others = [r for r in ANDERE if r.code in z.MISDRIJVEN_2023_BUURTSOM]
    regions = [NL, *sorted(others + [ZWOLLE], key=lambda r: r.code)]
    regions = [x for r in regions for x in (zwolle_ordered() if r == ZWOLLE else [r])]
    return regions + ([ONBEKEND] if onbekend else [])


def write(out: Path, *, seed: int, scale: float, peildatum: dt.date) -> dict[str, list[str]]:
    """`scale` does not apply: these are Zwolle's own regions."""
    registered = counts(seed, peildatum)
    years = [(jaar, None) for jaar in range(politie.NL_FIRST, peildatum.year)]
    files = politie.write_cube(out, "politie/47018NED/PolRegCrime47018_{jaar}.csv", TABLE, registered, _crime_regions(onbekend=True), MISDRIJVEN, years)
    months = politie.months_before(dt.date(peildatum.year - MAANDCIJFERS_JAREN, 1, 1), peildatum)
    files += politie.write_cube(out, "politie/47022NED/PolRegCrime47022_{jaar}.csv", TABLE, registered, _crime_regions(onbekend=False), MISDRIJVEN, months)
    files += politie.write_metadata(out, "politie/47018NED", TABLE, sorted((*MISDRIJVEN, ZEDEN), key=lambda s: s.code))
    return {"politie_misdrijven": files}
