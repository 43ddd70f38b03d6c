"""The sign-up wizard at /daftar/ on the platform site (issue 8)."""
