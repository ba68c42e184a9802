"""The read side: fast reads of whole records and lists for screens, reports and the KPI
tallies, built by column name; `values` is the one place that reads the database's own
text formats."""
