"""The batch-file connector, for agencies without an IT system.

``export``: new referrals to the agency go into a CSV (UTF-8 with BOM, for Excel) and an XLSX
file per day, with Chinese column headers and empty answer columns. ``import``: the filled-in
file (CSV or XLSX) is read back, every row checked, the good rows applied through the reply
sink and the bad ones reported row by row, in Chinese with English beside it.
"""
