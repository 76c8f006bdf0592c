let x = body.sessions[0].session_uuid
