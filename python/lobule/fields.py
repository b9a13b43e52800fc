"""The liver model's fields for figures: name -> (title, unit), one table for the plots
(lobule.plotting) and the ParaView renders (tools/lobule_pipeline.py, which loads this file
under ParaView's Python without importing the package).

It mirrors host/model/liver_fibrosis.cpp's kFieldNames, kFieldTitles and kFieldUnits
(python/tests/test_plots.py compares them), which lobule writes into every run's config.yaml
as build.fields; runs written before config.yaml carried build.fields use this table.
Standard library only.
"""
FIELDS = {
    "tgfb": ("TGF-β", "ng/mL"),
    "tnfa": ("TNF-α", "ng/mL"),
    "il10": ("IL-10", "ng/mL"),
    "hgf": ("HGF", "ng/mL"),
    "vegf": ("VEGF", "ng/mL"),
    "egf": ("EGF", "ng/mL"),
    "mmp": ("MMP", "ng/mL"),
    "timp": ("TIMP", "ng/mL"),
    "ev": ("EVs", "1e9 particles/mL"),
    "hep": ("hepatocytes", "fraction of healthy"),
    "hsc": ("activated HSCs", "fraction of capacity"),
    "mac1": ("M1 macrophages", "relative density"),
    "mac2": ("M2 macrophages", "relative density"),
    "msc": ("MSCs", "cells per 1e6 um^3"),
    "ev_cargo": ("EV cargo", "a.u."),
    "collagen": ("fibrillar collagen", "relative scar density"),
    "collagen_x": ("cross-linked collagen", "relative scar density"),
}
