"""The sync protocol in pure Python: validate, apply, dedupe, cursor, tombstones. Never imports Flask."""
