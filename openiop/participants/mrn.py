"""Medical record numbers: 8 random digits and a Luhn check digit (typos are caught).

Random rather than sequential, so an MRN reveals nothing about how many people were served.
"""

import secrets


def luhn_check_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def is_valid_mrn(mrn: str) -> bool:
    return len(mrn) == 9 and mrn.isdigit() and luhn_check_digit(mrn[:-1]) == mrn[-1]


def generate_mrn() -> str:
    body = f"{secrets.randbelow(90_000_000) + 10_000_000}"
    return body + luhn_check_digit(body)
