"""The publishable static site in Kazakh, Russian and English (`mwatch site
build`): reports/site/data.py reads the database, build.py writes the pages from
templates/ with the catalogues in locale/, charts.py draws the charts."""
