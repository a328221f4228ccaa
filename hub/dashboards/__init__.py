"""Dashboards (领导驾驶舱) for people: the labels of their figures in Chinese and English, and
their tables as CSV and XLSX files. The figures come from :mod:`projections.dashboard_query`."""
