"""Youth-care analyses on top of the metrics core: the year-end forecast (prognose), the LMDI
split of a change (drivers) and the Jeugd page's rules (jeugdzorg). They are reached through
derived metrics (metrics.derived) and never run SQL a page could see."""
