"""What happens after a change, one module per concern (cosmicpython chapter 9): the
accountability rules react to the domain events of a workflow action (slips), the alerts
and the notices to the same events (who is told, and the audit's "notify" entries); the
running KPI tallies follow every write of a case or slip. services/messagebus.py lists
which handler takes which event, in order."""
