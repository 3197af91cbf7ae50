"""``python -m helpers.synthetic OUT [--seed N] [--registrants N] [--mode M]`` (``make data``)."""

from helpers.synthetic import main

raise SystemExit(main())
