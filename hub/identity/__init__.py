"""Who the officials are and how they sign in: users, sessions, machine tokens, OpenID Connect."""
