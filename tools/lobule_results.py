#!/usr/bin/env python3
"""The run reader now lives in the Python package: lobule.results (python/lobule/results.py;
docs/python.md). This file keeps the scripts in tools/ and `PYTHONPATH=tools` imports working
with any interpreter that has numpy and PyYAML:

    python3 tools/lobule_results.py results/demo [--field NAME --time T]
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from lobule.results import (Dose, Fields, ResultsError, Run, display_names,  # noqa: E402,F401
                            field_summary, main, parse_seconds, read_csv_rows, summary,
                            vti_array_names, LIVER_COLUMNS, _numpy)

if __name__ == "__main__":
    sys.exit(main(prog="lobule_results.py"))
