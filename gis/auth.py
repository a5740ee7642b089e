"""Staff mode: a password kept only as a salted PBKDF2 hash (in Streamlit secrets).

Staff see chiefs' phone numbers unmasked and may write imports into the store. The
clear password is never stored: ``riverchief hash-password`` prints the line to put in
``.streamlit/secrets.toml``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from gis._errors import InputError

SCHEME = "pbkdf2_sha256"
ITERATIONS = 240_000
SECRET_KEY = "staff_password_hash"  # the key in .streamlit/secrets.toml


def hash_password(password: str, *, iterations: int = ITERATIONS, salt: str | None = None) -> str:
    """``pbkdf2_sha256$ITERATIONS$SALT$HASH`` for ``password`` (a fresh random salt by default)."""
    if not password:
        raise InputError("the password is empty", field="password", fix="choose a non-empty password")
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations).hex()
    return f"{SCHEME}${iterations}${salt}${digest}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` matches the ``stored`` hash; False for a missing or malformed hash."""
    if not password or not isinstance(stored, str):
        return False
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] != SCHEME or not parts[1].isdigit():
        return False
    _, iterations, salt, digest = parts
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(iterations)).hex()
    return hmac.compare_digest(candidate, digest)
