"""Generated customers for the scenarios: realistic, seeded, and awkward on
purpose (shared display names, capitals in e-mails)."""

from __future__ import annotations

import random

from .visitor import Customer

FIRST = ("Maria", "James", "Aisha", "Chen", "Lucas", "Olga", "Kofi", "Emma", "Ravi", "Sofia", "Noah", "Yuki",
         "Fatima", "Liam", "Ingrid", "Mateo", "Zara", "Tomasz", "Amara", "Diego")
LAST = ("Garcia", "Smith", "Khan", "Wei", "Martin", "Ivanova", "Mensah", "Brown", "Patel", "Rossi", "Kim",
        "Tanaka", "Haddad", "Murphy", "Larsen", "Silva", "Novak", "Okafor", "Dubois", "Berg")
DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com", "corp.example")


class CustomerFactory:
    """Makes distinct customers from one seeded random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def display_name(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def make(self, *, name: str | None = None, capitals: bool | None = None, namesake: Customer | None = None
             ) -> Customer:
        """``namesake``: another customer of the same name, whose e-mail's part before the @ this one shares at
        another domain (jsmith@ at two providers, two people): every seed then shows that part is not unique."""
        name = namesake.name if namesake else name or self.display_name()
        first, last = name.split(" ", 1)
        if capitals is None:
            capitals = self.rng.random() < 0.5
        while True:
            local = namesake.email.split("@")[0] if namesake else self.rng.choice(
                (f"{first}.{last}", f"{first[0]}{last}", f"{first}{self.rng.randint(2, 999)}"))
            email = f"{local}@{self.rng.choice(DOMAINS)}"
            email = email if capitals else email.lower()
            if email.lower() not in self.used:
                break
        self.used.add(email.lower())
        password = "".join(self.rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(12))
        return Customer(name=name, email=email, password=password)
