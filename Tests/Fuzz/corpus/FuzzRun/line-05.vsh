session list status=verified limit=20 offset=40 subaccount=SA2025RK4E639VJFZAGV session_time__gte="2026-01-01 00:00:00"
