"""Demo politie_overlast: 47024NED (monthly) as cbsodataR CSV, with the Overlast dimension.

Zwolle registers overlast at the national rate per inhabitant; over its buurten it goes by size,
centrality and the share of children, each kind of overlast in its own measure.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import numpy as np

from data_sources.demo import politie, portaal
from data_sources.demo import zwolle as z
from data_sources.demo.regios import BUURTEN, NL, WIJK_VAN, WIJKEN, ZWOLLE, zwolle_ordered

STREAM = 13  # this module's generator stream: independent of the other demo modules
TABLE = politie.Table(
    dimension="Overlast",
    dimension_title="Overlast",
    measure="GeregistreerdeOverlast_1",
    measure_title="Geregistreerde overlast",
    measure_description="Aantal registraties van overlast door de politie; een registratie is een melding die de politie vastlegt als incident.",
    totaal=("0.0.0", "Totaal registraties overlast"),
)
OVERLAST_JAREN = 7  # monthly figures from January seven years before the peildatum: covid shows
OVERLAST: tuple[politie.Soort, ...] = (
    politie.Soort("E33", "Overlast door verward persoon", "Elke vorm van overlast veroorzaakt door een verward of overspannen persoon.",
                  (66030, 74939, 83611, 90628, 99662, 117246, 130194, 138807, 141724), "vlak", 0.5, 0.0),
    politie.Soort("E35", "Melding overlast jeugd", "Meldingen waarbij wordt geklaagd over jeugd, bijvoorbeeld hangjeugd of geluidsoverlast door jeugd.",
                  (81075, 86408, 87875, 70802, 76546, 137946, 125487, 88711, 83694), "jeugd", -0.1, 0.4),
    politie.Soort("E38", "Overlast ivm alcohol/ drugs", "Overlast die samenhangt met harddrugs, softdrugs of alcohol.",
                  (25689, 29709, 32429, 36807, 40159, 46275, 46015, 56028, 59430), "zomer", 0.6, 0.0),
    politie.Soort("E41", "Overlast zwervers", "Overlast veroorzaakt door een zwerver.",
                  (11523, 14221, 16142, 18889, 22281, 28719, 26766, 33092, 40525), "winter", 1.2, 0.0),
    politie.Soort("F010", "Openbare dronkenschap", "Zich kennelijk dronken bevinden op een openbare of voor het publiek toegankelijke plaats.",
                  (8146, 8385, 8312, 8136, 7920, 5779, 5104, 6735, 6045), "december", 1.2, 0.0),
    politie.Soort("M061", "Geluidshinder horeca", "Geluidsoverlast die voortkomt uit een horecagelegenheid.\n",
                  (6372, 6270, 5796, 5478, 4767, 3136, 2540, 4199, 3231), "terras", 2.0, 0.0),
    politie.Soort("M062", "Geluidshinder evenement", "Geluidsoverlast tijdens een evenement.",
                  (1897, 1856, 1834, 1689, 1593, 679, 1080, 1739, 1326), "evenement", 1.0, 0.0),
    politie.Soort("M22", "Geluidshinder overig", "Geluidshinder die niet van horeca of een legaal evenement komt.\n",
                  (104647, 111613, 115286, 117559, 113874, 170392, 199773, 132042, 108202), "geluid", -0.1, 0.0),
)


@cache
def counts(seed: int, peildatum: dt.date) -> politie.Counts:
    rng = np.random.default_rng([seed, STREAM])
    jaren = tuple(range(peildatum.year - OVERLAST_JAREN, peildatum.year + 1))
    model = portaal.model(seed, peildatum.year)
    centrum, _, family = politie.buurt_features()
    nat = np.array([[politie.national(s, y) for s in OVERLAST] for y in jaren], dtype=float)
    inw = model.inwoners[[model.at(y) for y in jaren]].astype(float)
    nl_inw = np.array([z.NL_INWONERS.get(y, z.NL_INWONERS[max(z.NL_INWONERS)]) for y in jaren], dtype=float)
    zwolle = nat * (inw.sum(axis=1) / nl_inw)[:, None]  # (years, soorten): Zwolle at the national rate
    affinity = np.exp(np.outer(centrum, [s.centrum for s in OVERLAST]) + np.outer(family, [s.kenmerk for s in OVERLAST])
                      + rng.normal(0, 0.25, (len(z.BUURTEN), len(OVERLAST))))
    weight = (inw[..., None] + 30) ** 0.85 * affinity[None]  # (years, buurten, soorten)
    expected = zwolle[:, None, :] * weight / weight.sum(axis=1, keepdims=True)
    buurten = politie.monthly(rng, expected.transpose(1, 0, 2), OVERLAST)
    none = np.zeros((len(jaren), 12), dtype=np.int64)
    per_soort = {b.code: buurten[i] for i, b in enumerate(BUURTEN)}
    per_soort |= {w.code: buurten[WIJK_VAN == k].sum(axis=0) for k, w in enumerate(WIJKEN)}
    per_soort[ZWOLLE.code] = buurten.sum(axis=0) + politie.monthly(rng, zwolle * politie.ZWOLLE_ONGEPLAATST, OVERLAST)
    per_soort[NL.code] = politie.split_national(rng, nat.astype(np.int64), OVERLAST)
    return politie.Counts(jaren, per_soort, {code: none for code in per_soort})


def write(out: Path, *, seed: int, scale: float, peildatum: dt.date) -> dict[str, list[str]]:
    """`scale` does not apply: these are Zwolle's own regions."""
    registered = counts(seed, peildatum)
    months = politie.months_before(dt.date(registered.jaren[0], 1, 1), peildatum)
    files = politie.write_cube(out, "politie/47024NED/Overlast47024_{jaar}.csv", TABLE, registered, [NL, *zwolle_ordered()], OVERLAST, months)
    files += politie.write_metadata(out, "politie/47024NED", TABLE, OVERLAST)
    return {"politie_overlast": files}
