"""The caseload's rows as hand-written SQL: figure 2's baseline, and the rows the bare window of
figure 1 loads (kept apart from the services, so that child imports none of them)."""

# The service's columns, its joins and its current-home test, written out by hand.
CASELOAD_SQL = """
SELECT o.id, o.reference, o.surname, o.forenames, o.date_of_birth, o.risk_level, u.id, u.display_name,
       t.name, o.next_visit_due, o.next_notification_due, o.open_breaches, o.mappa_level,
       o.status <> 'active' OR EXISTS (SELECT 1 FROM address a WHERE a.offender_id = o.id
           AND a.voided_at IS NULL AND a.to_date IS NULL AND a.kind IN ('home', 'no_fixed_abode'))
FROM offender o
LEFT JOIN app_user u ON u.id = o.offender_manager_id
LEFT JOIN team t ON t.id = o.team_id
WHERE o.status <> 'ended' {team}
"""
