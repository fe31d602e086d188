DESC="Main Mode + Quick Mode + ESP, nothing misconfigured"
