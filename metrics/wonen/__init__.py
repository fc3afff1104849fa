"""Wonen: the figures of the Monitor ruimtelijke ordening en wonen that combine sources.

- opgave: the woningbouwdoel against CBS nieuwbouw (doelpad, cumulative realisation, remaining
  need), plan capacity against that need with the norm and the expected planuitval, and the
  projection from the project pipeline; plus the settings texts (bron, aanname) as an analysis.
- projecten: projects running late against their planned oplevering.
- groei: growth of woningen and inwoners per wijk and buurt since a base year.

Targets, norms and planuitval are read from the warehouse's `instellingen_wonen` (written by the
build from the gemeente's settings file), never from code: a gemeente without a target gets empty
figures here, and the page says why. Every function is the `Derived` function of a metric in
metrics/definitions/wonen.py (or a declared Analysis) and honours the question's filters and
the user's wijken.
"""
