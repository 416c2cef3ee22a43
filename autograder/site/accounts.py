"""The shop's customer accounts and log-in sessions, in SQLite.

E-mails are kept exactly as typed at sign-up (less surrounding spaces); log-in
matches them ignoring case and surrounding spaces, like most real shops.
Accounts live in a *realm*: the public shop uses the empty realm; each check
scenario gets its own, so scenarios sharing one server never see each other.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
from dataclasses import dataclass

# Seeded so the lesson has people to log in as; two share a display name on
# purpose: names are not identities.
DEMO_PASSWORD = "identify-me"
DEMO_CUSTOMERS = (
    ("Alice Martin", "alice.martin@example.com", "pro"),
    ("Sam Lee", "Sam.Lee@example.com", "starter"),
    ("Sam Lee", "sam.lee@example.org", "pro"),
    ("Priya Natarajan", "priya@example.net", "enterprise"),
)
PLANS = ("starter", "pro", "enterprise")


@dataclass(frozen=True)
class Customer:
    id: int
    name: str
    email: str
    plan: str

    def to_json(self) -> dict:
        return {"id": self.id, "email": self.email, "name": self.name, "plan": self.plan}


class SignUpError(ValueError):
    """Shown on the sign-up form."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _hash_password(password: str, salt: bytes) -> bytes:
    # Real scrypt, as a shop would store passwords, at a low cost: these accounts are
    # generated for one run on loopback, and a checklist signs up or logs in eight
    # times (n=2**12 cost 0.16 s of CPU per checklist; n=2**8 about 0.01 s).
    return hashlib.scrypt(password.encode(), salt=salt, n=2**8, r=8, p=1)


class AccountStore:
    def __init__(self, path: str, *, seed_demo: bool = True) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; no fsync per beacon
        self._db.executescript(
            "CREATE TABLE IF NOT EXISTS customer (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL,"
            " email TEXT NOT NULL, email_key TEXT NOT NULL, plan TEXT NOT NULL,"
            " salt BLOB NOT NULL, password_hash BLOB NOT NULL, realm TEXT NOT NULL DEFAULT '',"
            " UNIQUE (realm, email_key));"
            "CREATE TABLE IF NOT EXISTS login_session (token TEXT PRIMARY KEY,"
            " customer_id INTEGER NOT NULL REFERENCES customer(id));"
        )
        if seed_demo:
            for name, email, plan in DEMO_CUSTOMERS:
                if self._find(email, "") is None:
                    self.sign_up(name, email, DEMO_PASSWORD, plan=plan)

    def _find(self, email: str, realm: str) -> tuple | None:
        with self._lock:
            return self._db.execute(
                "SELECT id, name, email, plan, salt, password_hash FROM customer WHERE realm = ? AND email_key = ?",
                (realm, normalize_email(email)),
            ).fetchone()

    def sign_up(self, name: str, email: str, password: str, *, plan: str = "starter", realm: str = "") -> Customer:
        name, email = name.strip(), email.strip()
        if not name:
            raise SignUpError("Please tell us your name.")
        if "@" not in email or len(email) > 254:
            raise SignUpError("Please enter a valid e-mail address.")
        if len(password) < 6:
            raise SignUpError("Please choose a password of at least 6 characters.")
        salt = secrets.token_bytes(16)
        digest = _hash_password(password, salt)
        try:
            with self._lock:
                cursor = self._db.execute(
                    "INSERT INTO customer (name, email, email_key, plan, salt, password_hash, realm)"
                    " VALUES (?,?,?,?,?,?,?)",
                    (name, email, normalize_email(email), plan if plan in PLANS else "starter", salt, digest, realm),
                )
        except sqlite3.IntegrityError as err:
            raise SignUpError("An account with this e-mail already exists: please log in.") from err
        return Customer(cursor.lastrowid, name, email, plan)

    def authenticate(self, email: str, password: str, *, realm: str = "") -> Customer | None:
        row = self._find(email, realm)
        if row is None:
            return None
        id_, name, stored_email, plan, salt, digest = row
        if not hmac.compare_digest(_hash_password(password, salt), digest):
            return None
        return Customer(id_, name, stored_email, plan)

    def open_session(self, customer: Customer) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._db.execute("INSERT INTO login_session VALUES (?, ?)", (token, customer.id))
        return token

    def customer_for(self, token: str | None) -> Customer | None:
        if not token:
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT c.id, c.name, c.email, c.plan FROM login_session s JOIN customer c ON c.id = s.customer_id"
                " WHERE s.token = ?",
                (token,),
            ).fetchone()
        return Customer(*row) if row else None

    def close_session(self, token: str | None) -> None:
        if token:
            with self._lock:
                self._db.execute("DELETE FROM login_session WHERE token = ?", (token,))

    def close(self) -> None:
        with self._lock:
            self._db.close()
