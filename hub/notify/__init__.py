"""Notifications to officials (通知): derived from the log like a projection, each sent once.

``triggers`` (what happened and whom to tell), ``messages`` (what it says, without personal
data), ``prefs`` (each official's choices), ``store`` (the notifier's tables and tracking),
``channels`` (email over SMTP, the signed webhook), ``notifier`` (follows the log, fires the
time-based triggers, sends with retries), ``build`` (the notifier from the settings).
"""
