"""Zwolle as it is: the facts the demo generator is calibrated on.

Codes and names are CBS's (indeling 2024, as in WijkenEnBuurten of 47018NED). Inwoners and
woningen per buurt on 1 January 2024 are from cijfersoverzwolle.nl; misdrijven 2023 from CBS/
Politie 47018NED; centroids (lon, lat, WGS84) computed from the CBS wijk- en buurtkaart 2014.
Written here as facts, not copied files; see ../shared/realdata/SOURCES.md for provenance.
"""

from __future__ import annotations

from typing import NamedTuple

GEMEENTE_CODE = "GM0193"
GEMEENTE_NAAM = "Zwolle"


class Buurt(NamedTuple):
    code: str
    naam: str
    wijk_code: str
    inwoners_2024: int
    inwoners_0_3_2024: int
    inwoners_4_11_2024: int
    inwoners_12_17_2024: int
    woningen_2024: int
    misdrijven_2023: int
    lon: float
    lat: float


WIJKEN: tuple[tuple[str, str], ...] = (
    ("WK019310", "Wijk 10 Binnenstad"),
    ("WK019311", "Wijk 11 Diezerpoort"),
    ("WK019312", "Wijk 12 Wipstrik"),
    ("WK019313", "Wijk 13 Assendorp"),
    ("WK019314", "Wijk 14 Kamperpoort-Veerallee"),
    ("WK019320", "Wijk 20 Poort van Zwolle"),
    ("WK019321", "Wijk 21 Westenholte"),
    ("WK019322", "Wijk 22 Stadshagen"),
    ("WK019330", "Wijk 30 Holtenbroek"),
    ("WK019331", "Wijk 31 Aa-landen"),
    ("WK019332", "Wijk 32 Vechtlanden"),
    ("WK019340", "Wijk 40 Berkum"),
    ("WK019341", "Wijk 41 Marsweteringlanden"),
    ("WK019350", "Wijk 50 Schelle"),
    ("WK019351", "Wijk 51 Ittersum"),
    ("WK019352", "Wijk 52 Soestweteringlanden"),
)

BUURTEN: tuple[Buurt, ...] = (
    Buurt("BU01931000", "Binnenstad-Zuid", "WK019310", 2373, 36, 54, 52, 1575, 741, 6.09383, 52.51144),
    Buurt("BU01931010", "Binnenstad-Noord", "WK019310", 975, 12, 8, 14, 715, 224, 6.09327, 52.51356),
    Buurt("BU01931020", "Noordereiland", "WK019310", 877, 13, 22, 18, 543, 50, 6.09628, 52.51510),
    Buurt("BU01931100", "Het Noorden", "WK019311", 1710, 61, 38, 34, 1243, 110, 6.08949, 52.51742),
    Buurt("BU01931110", "Schildersbuurt", "WK019311", 346, 11, 18, 16, 175, 18, 6.09407, 52.51789),
    Buurt("BU01931120", "Bollebieste", "WK019311", 1730, 68, 89, 99, 990, 83, 6.09720, 52.51948),
    Buurt("BU01931130", "Dieze-Centrum", "WK019311", 1064, 30, 28, 22, 647, 127, 6.10251, 52.51678),
    Buurt("BU01931140", "Bagijneweide", "WK019311", 860, 15, 33, 21, 490, 101, 6.10476, 52.51427),
    Buurt("BU01931150", "Hogenkamp", "WK019311", 3445, 163, 237, 154, 2050, 170, 6.10744, 52.52192),
    Buurt("BU01931160", "Indischebuurt", "WK019311", 1014, 33, 70, 58, 581, 65, 6.10969, 52.51685),
    Buurt("BU01931170", "Meppelerstraatweg-Zuid", "WK019311", 366, 19, 19, 6, 264, 22, 6.11325, 52.52048),
    Buurt("BU01931180", "Bedrijventerrein Floresstraat", "WK019311", 426, 22, 68, 40, 185, 28, 6.11546, 52.51962),
    Buurt("BU01931200", "Wipstrik-Noord", "WK019312", 3039, 157, 335, 239, 1302, 81, 6.11717, 52.51286),
    Buurt("BU01931210", "Wipstrik-Zuid", "WK019312", 3340, 133, 236, 144, 1860, 131, 6.11625, 52.50840),
    Buurt("BU01931300", "Stationsbuurt", "WK019313", 1415, 58, 83, 76, 587, 576, 6.09061, 52.50744),
    Buurt("BU01931310", "Oud-Assendorp", "WK019313", 4139, 179, 245, 164, 2129, 267, 6.10037, 52.50516),
    Buurt("BU01931320", "Nieuw-Assendorp", "WK019313", 3088, 140, 283, 213, 1426, 102, 6.10731, 52.50238),
    Buurt("BU01931330", "Wezenlanden", "WK019313", 1161, 31, 104, 71, 639, 82, 6.10651, 52.50835),
    Buurt("BU01931340", "Pierik", "WK019313", 2139, 99, 147, 121, 1172, 72, 6.11618, 52.50192),
    Buurt("BU01931350", "Bedrijventerrein Marslanden-Noord", "WK019313", 30, 0, 2, 2, 0, 6, 6.12358, 52.50162),
    Buurt("BU01931360", "Hanzeland", "WK019313", 1111, 34, 32, 31, 636, 342, 6.08912, 52.50318),
    Buurt("BU01931400", "Kamperpoort", "WK019314", 2439, 80, 108, 72, 1381, 268, 6.08289, 52.51266),
    Buurt("BU01931410", "Veerallee", "WK019314", 1879, 111, 231, 162, 684, 50, 6.07565, 52.50739),
    Buurt("BU01932000", "Bedrijventerrein Voorst-A", "WK019320", 54, 0, 0, 0, 42, 77, 6.07440, 52.51809),
    Buurt("BU01932010", "Bedrijventerrein Voorst-B", "WK019320", 0, 0, 0, 0, 0, 36, 6.06583, 52.51226),
    Buurt("BU01932020", "Spoolde", "WK019320", 314, 8, 25, 31, 117, 34, 6.05634, 52.50522),
    Buurt("BU01932100", "Oud-Westenholte", "WK019321", 2606, 122, 261, 252, 1051, 64, 6.05134, 52.52364),
    Buurt("BU01932110", "Westenholte-Stins", "WK019321", 2553, 93, 205, 207, 1103, 30, 6.04730, 52.51954),
    Buurt("BU01932120", "Vreugderijk", "WK019321", 197, 1, 14, 20, 68, 8, 6.03205, 52.51777),
    Buurt("BU01932130", "Bedrijventerrein Voorst-C", "WK019321", 8, 1, 2, 1, 1, 18, 6.05668, 52.51590),
    Buurt("BU01932140", "Bedrijventerrein Voorst-D", "WK019321", 4, 0, 0, 0, 1, 7, 6.04923, 52.51033),
    Buurt("BU01932200", "Frankhuis", "WK019322", 6529, 394, 765, 739, 2321, 96, 6.06249, 52.52609),
    Buurt("BU01932210", "Mastenbroek", "WK019322", 51, 1, 3, 4, 21, 1, 6.03819, 52.55387),
    Buurt("BU01932220", "Schoonhorst", "WK019322", 4160, 193, 320, 333, 1870, 68, 6.06600, 52.53364),
    Buurt("BU01932230", "Werkeren", "WK019322", 5341, 298, 890, 694, 1662, 107, 6.04433, 52.53513),
    Buurt("BU01932240", "Milligen", "WK019322", 6899, 266, 637, 638, 2871, 165, 6.05773, 52.54162),
    Buurt("BU01932250", "Tippe bij de IJssel", "WK019322", 299, 18, 28, 32, 135, 29, 6.03810, 52.53167),
    Buurt("BU01932260", "Breecamp", "WK019322", 2770, 219, 501, 325, 868, 53, 6.03471, 52.54241),
    Buurt("BU01932270", "Breezicht", "WK019322", 2027, 189, 287, 182, 731, 44, 6.05460, 52.54904),
    Buurt("BU01932280", "Stadsbroek", "WK019322", 52, 1, 5, 0, 20, 1, 6.07353, 52.54690),
    Buurt("BU01933000", "Holtenbroek IV", "WK019330", 3182, 109, 200, 221, 1694, 197, 6.08822, 52.52318),
    Buurt("BU01933010", "Holtenbroek I", "WK019330", 1892, 92, 198, 131, 892, 52, 6.07955, 52.52186),
    Buurt("BU01933020", "Holtenbroek II", "WK019330", 2658, 123, 230, 197, 1392, 189, 6.07703, 52.53011),
    Buurt("BU01933030", "Holtenbroek III", "WK019330", 2300, 105, 168, 173, 1126, 83, 6.08658, 52.53021),
    Buurt("BU01933100", "Aa-landen-Zuid", "WK019331", 2215, 95, 160, 133, 1072, 85, 6.10700, 52.52644),
    Buurt("BU01933110", "Aa-landen-Midden", "WK019331", 3953, 110, 320, 264, 2171, 235, 6.09979, 52.53005),
    Buurt("BU01933120", "Aa-landen-Noord", "WK019331", 3850, 156, 368, 322, 1594, 60, 6.09575, 52.53672),
    Buurt("BU01933130", "Aa-landen-Oost", "WK019331", 3335, 117, 329, 257, 1451, 50, 6.10956, 52.53541),
    Buurt("BU01933200", "Brinkhoek", "WK019332", 616, 11, 52, 43, 265, 24, 6.12780, 52.53545),
    Buurt("BU01933210", "Langenholte", "WK019332", 126, 4, 14, 8, 46, 12, 6.10022, 52.54745),
    Buurt("BU01933220", "Haerst", "WK019332", 291, 14, 23, 16, 108, 55, 6.15739, 52.56033),
    Buurt("BU01934000", "Berkum", "WK019340", 3936, 171, 388, 264, 1700, 67, 6.13688, 52.52430),
    Buurt("BU01934010", "Bedrijventerrein de Vrolijkheid", "WK019340", 14, 0, 0, 2, 1, 77, 6.12126, 52.52273),
    Buurt("BU01934020", "Veldhoek", "WK019340", 276, 6, 26, 18, 106, 15, 6.14616, 52.51647),
    Buurt("BU01934030", "Kantorenterrein Oosterenk", "WK019340", 796, 22, 57, 72, 198, 210, 6.12687, 52.51108),
    Buurt("BU01934040", "Bedrijventerrein Hessenpoort", "WK019340", 74, 4, 4, 7, 32, 53, 6.17233, 52.53364),
    Buurt("BU01934050", "Tolhuislanden", "WK019340", 163, 8, 17, 10, 55, 15, 6.19298, 52.56212),
    Buurt("BU01934100", "Herfte", "WK019341", 412, 9, 35, 38, 146, 44, 6.16108, 52.50397),
    Buurt("BU01934110", "Bedrijventerrein Marslanden-Zuid", "WK019341", 181, 0, 0, 7, 10, 109, 6.13030, 52.49258),
    Buurt("BU01934120", "Wijthmen", "WK019341", 601, 16, 42, 41, 248, 17, 6.16904, 52.48565),
    Buurt("BU01935000", "Oud-Schelle", "WK019350", 1397, 55, 167, 147, 486, 19, 6.09987, 52.49693),
    Buurt("BU01935010", "Schellerhoek", "WK019350", 956, 38, 76, 84, 372, 31, 6.10312, 52.49787),
    Buurt("BU01935020", "Schellerbroek", "WK019350", 1424, 41, 107, 76, 699, 38, 6.08421, 52.49890),
    Buurt("BU01935030", "Schellerlanden", "WK019350", 2553, 80, 203, 153, 1194, 56, 6.09659, 52.49290),
    Buurt("BU01935040", "Oldenelerlanden-Oost", "WK019350", 2310, 106, 220, 157, 1005, 38, 6.10212, 52.48628),
    Buurt("BU01935050", "Oldenelerlanden-West", "WK019350", 1403, 61, 132, 117, 568, 17, 6.09682, 52.48466),
    Buurt("BU01935060", "Oldenelerbroek", "WK019350", 3099, 81, 203, 238, 1454, 50, 6.10592, 52.47586),
    Buurt("BU01935070", "Schelle-Zuid en Oldeneel", "WK019350", 163, 1, 6, 14, 67, 2, 6.08313, 52.48548),
    Buurt("BU01935080", "Katerveer-Engelse werk", "WK019350", 623, 8, 40, 67, 202, 31, 6.06623, 52.49886),
    Buurt("BU01935100", "Oud-Ittersum", "WK019351", 1480, 87, 169, 101, 578, 16, 6.10861, 52.48696),
    Buurt("BU01935110", "Ittersumerlanden", "WK019351", 3822, 176, 328, 215, 1881, 141, 6.11320, 52.48058),
    Buurt("BU01935120", "Ittersumerbroek", "WK019351", 2226, 65, 168, 130, 982, 34, 6.11926, 52.47513),
    Buurt("BU01935130", "Geren", "WK019351", 796, 31, 43, 32, 450, 34, 6.11007, 52.49501),
    Buurt("BU01935140", "Gerenlanden", "WK019351", 3004, 146, 278, 227, 1222, 66, 6.11491, 52.48983),
    Buurt("BU01935150", "Gerenbroek", "WK019351", 3024, 143, 277, 259, 1192, 31, 6.12210, 52.48489),
    Buurt("BU01935160", "Oude Mars", "WK019351", 267, 13, 24, 38, 76, 4, 6.13207, 52.48009),
    Buurt("BU01935200", "Windesheim", "WK019352", 389, 18, 48, 24, 156, 3, 6.13071, 52.44674),
    Buurt("BU01935210", "Harculo en Hoog-Zuthem", "WK019352", 491, 9, 26, 30, 139, 13, 6.12692, 52.45925),
)

# The portal names one buurt differently from CBS.
PORTAAL_NAAM = {"Tippe bij de IJssel": "De Tippe"}

# Gemeente totals over the 78 buurten (portal, 1 January); 2022 was not exported.
INWONERS = {2015: 123_856, 2016: 124_891, 2017: 125_521, 2018: 126_100, 2019: 127_487, 2020: 128_833, 2021: 129_837, 2023: 132_399, 2024: 133_128}
WONINGEN = {2015: 54_761, 2016: 55_473, 2017: 56_066, 2018: 56_594, 2019: 57_727, 2020: 58_491, 2021: 59_490, 2023: 60_474, 2024: 61_186}

# CBS KWB 2024 (85984NED), gemeente level.
KWB_2024_INWONERS = 133_141
KWB_2024_WONINGEN = 61_187

# CBS 81955NED (woningvoorraad mutaties), GM0193.
BEGINSTAND_2012 = 53_314
NIEUWBOUW = {2012: 458, 2013: 408, 2014: 619, 2015: 546, 2016: 523, 2017: 460, 2018: 803, 2019: 639, 2020: 873}
EINDSTAND_2020 = 59_491

# Plancapaciteit (provincial compilation, about 2021), Zwolle.
PLANCAPACITEIT_HARD = 3_329
PLANCAPACITEIT_ZACHT = 8_530

# CBS/Politie 47018NED: registered crimes 2023 over the 78 buurten.
MISDRIJVEN_2023 = 6_827
# The same for Deventer and Kampen (sum over their buurten).
MISDRIJVEN_2023_BUURTSOM = {"GM0150": 4_787, "GM0166": 1_628}

# KWB 2022 (derived): percentage jongeren met jeugdzorg, Zwolle.
PCT_JONGEREN_MET_JEUGDZORG_2022 = 10.0

# Portal, 1 January 2015, per buurt (CBS code): (inwoners, woningen). Growth buurten such as
# Breezicht (11 -> 2,027 inwoners) follow from these and the 2024 figures above.
BUURT_2015: dict[str, tuple[int, int]] = {
    "BU01931000": (2046, 1253),
    "BU01931010": (801, 548),
    "BU01931020": (556, 316),
    "BU01931100": (1363, 902),
    "BU01931110": (391, 174),
    "BU01931120": (1684, 856),
    "BU01931130": (1013, 558),
    "BU01931140": (744, 398),
    "BU01931150": (3065, 1896),
    "BU01931160": (1079, 579),
    "BU01931170": (376, 264),
    "BU01931180": (417, 185),
    "BU01931200": (3061, 1292),
    "BU01931210": (3404, 1848),
    "BU01931300": (1423, 563),
    "BU01931310": (4190, 1973),
    "BU01931320": (3171, 1405),
    "BU01931330": (617, 340),
    "BU01931340": (2161, 1100),
    "BU01931350": (36, 0),
    "BU01931360": (1021, 522),
    "BU01931400": (1338, 735),
    "BU01931410": (1450, 539),
    "BU01932000": (60, 44),
    "BU01932010": (0, 0),
    "BU01932020": (309, 116),
    "BU01932100": (2327, 929),
    "BU01932110": (2784, 1101),
    "BU01932120": (191, 65),
    "BU01932130": (6, 1),
    "BU01932140": (6, 1),
    "BU01932200": (5999, 1985),
    "BU01932210": (59, 20),
    "BU01932220": (4487, 1860),
    "BU01932230": (4240, 1337),
    "BU01932240": (7081, 2740),
    "BU01932250": (0, 0),
    "BU01932260": (880, 338),
    "BU01932270": (11, 4),
    "BU01932280": (54, 19),
    "BU01933000": (3117, 1624),
    "BU01933010": (1825, 855),
    "BU01933020": (2576, 1244),
    "BU01933030": (2420, 1077),
    "BU01933100": (2253, 1045),
    "BU01933110": (3694, 1987),
    "BU01933120": (3784, 1592),
    "BU01933130": (3275, 1425),
    "BU01933200": (605, 263),
    "BU01933210": (110, 41),
    "BU01933220": (296, 104),
    "BU01934000": (3709, 1657),
    "BU01934010": (9, 9),
    "BU01934020": (238, 97),
    "BU01934030": (13, 10),
    "BU01934040": (73, 29),
    "BU01934050": (184, 52),
    "BU01934100": (383, 134),
    "BU01934110": (138, 7),
    "BU01934120": (621, 243),
    "BU01935000": (1188, 436),
    "BU01935010": (1036, 366),
    "BU01935020": (1511, 691),
    "BU01935030": (2821, 1187),
    "BU01935040": (2496, 1005),
    "BU01935050": (1482, 556),
    "BU01935060": (3420, 1438),
    "BU01935070": (193, 68),
    "BU01935080": (589, 196),
    "BU01935100": (1292, 519),
    "BU01935110": (3916, 1868),
    "BU01935120": (2471, 980),
    "BU01935130": (830, 450),
    "BU01935140": (3217, 1205),
    "BU01935150": (3218, 1191),
    "BU01935160": (75, 14),
    "BU01935200": (401, 154),
    "BU01935210": (476, 136),
}

# CBS KWB 2024 (85984NED) per wijk: (inwoners, woningvoorraad, oppervlakte land ha, water ha).
WIJKEN_KWB_2024: dict[str, tuple[int, int, int, int]] = {
    "WK019310": (4225, 2834, 52, 8),
    "WK019311": (10970, 6625, 184, 5),
    "WK019312": (6380, 3162, 112, 5),
    "WK019313": (13090, 6589, 301, 13),
    "WK019314": (4315, 2065, 105, 2),
    "WK019320": (365, 159, 227, 22),
    "WK019321": (5370, 2224, 523, 103),
    "WK019322": (28125, 10499, 1431, 95),
    "WK019330": (10030, 5104, 214, 23),
    "WK019331": (13355, 6288, 274, 19),
    "WK019332": (1030, 419, 1965, 219),
    "WK019340": (5260, 2092, 1836, 50),
    "WK019341": (1195, 404, 1661, 98),
    "WK019350": (13930, 6047, 774, 107),
    "WK019351": (14615, 6381, 302, 12),
    "WK019352": (880, 295, 1107, 87),
}
# CBS KWB, GM0193, inwoners on 1 January: 2019 (84583NED), 2021 (85039NED; the derived extract
# calls it 2022, but it is three above the portal's 1 January 2021 count), 2024 (85984NED).
KWB_INWONERS = {2019: 127_497, 2021: 129_840, 2024: KWB_2024_INWONERS}
KWB_2024_MANNEN = 65_595
KWB_2024_OPPERVLAKTE_LAND = 11_067  # ha
KWB_2024_OPPERVLAKTE_WATER = 869  # ha


class Gemeente(NamedTuple):
    """A gemeente Zwolle is compared with (neighbours, and those in the plancapaciteit file)."""

    code: str
    naam: str
    provincie: str
    inwoners_2019: int  # KWB 2019
    inwoners_2024: int  # KWB 2024
    woningen_2024: int  # KWB 2024 Woningvoorraad (1 January 2024)
    eindstand_2020: int  # 81955NED EindstandVoorraad 2020
    nieuwbouw_2020: int  # 81955NED Nieuwbouw 2020
    oppervlakte_land: int  # ha, KWB 2024
    oppervlakte_water: int  # ha, KWB 2024


GEMEENTEN: tuple[Gemeente, ...] = (
    Gemeente("GM0148", "Dalfsen", "Overijssel", 28_499, 29_683, 12_461, 12_056, 181, 16_502, 150),
    Gemeente("GM0150", "Deventer", "Overijssel", 99_957, 103_405, 47_516, 46_224, 153, 13_056, 377),
    Gemeente("GM0166", "Kampen", "Overijssel", 53_779, 56_177, 23_530, 22_785, 210, 14_123, 2_056),
    Gemeente("GM0177", "Raalte", "Overijssel", 37_511, 38_364, 16_461, 16_049, 138, 17_097, 132),
    Gemeente("GM0200", "Apeldoorn", "Gelderland", 162_445, 168_211, 75_659, 74_184, 827, 33_986, 129),
    Gemeente("GM0244", "Hattem", "Gelderland", 12_173, 12_624, 5_493, 5_262, 18, 2_307, 109),
    Gemeente("GM0246", "Heerde", "Gelderland", 18_546, 19_226, 8_247, 8_017, 95, 7_855, 188),
    Gemeente("GM0269", "Oldebroek", "Gelderland", 23_598, 24_281, 9_698, 9_475, 151, 9_766, 117),
    Gemeente("GM0307", "Amersfoort", "Utrecht", 156_286, 161_852, 71_416, 68_809, 874, 6_249, 137),
    Gemeente("GM0613", "Albrandswaard", "Zuid-Holland", 25_271, 26_428, 10_763, 10_573, 61, 2_167, 209),
    Gemeente("GM0753", "Best", "Noord-Brabant", 29_821, 31_223, 13_461, 12_977, 276, 3_389, 76),
    Gemeente("GM0888", "Beek", "Limburg", 15_929, 16_215, 7_550, 7_496, 2, 2_107, 0),
    Gemeente("GM1730", "Tynaarlo", "Drenthe", 33_698, 34_736, 14_837, 14_596, 91, 14_288, 482),
    Gemeente("GM1773", "Olst-Wijhe", "Overijssel", 18_071, 18_835, 8_141, 7_828, 97, 11_366, 471),
    Gemeente("GM1896", "Zwartewaterland", "Overijssel", 22_503, 23_448, 9_232, 9_013, 53, 8_236, 550),
)

# CBS, population of the Netherlands on 1 January.
NL_INWONERS = {2019: 17_282_163, 2020: 17_407_585, 2021: 17_475_415, 2022: 17_590_672, 2023: 17_811_291, 2024: 17_942_942, 2025: 18_044_027}
