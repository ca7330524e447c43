"""Check digits: the 宛名番号/世帯番号 modulus 11 (weights 2–7) and the 個人番号 (My Number) check digit."""

from __future__ import annotations

import operator


def modulus11_w2_7(body: str) -> int:
    """Check digit of 住民記録システム標準仕様書 1.1.13 (j130): モジュラス11 (M11W2～7).

    Weights 2,3,4,5,6,7,2,3,… are applied from the rightmost digit of ``body``; the check digit is
    ``11 - (sum mod 11)``. The standard says a remainder of 0 gives 0. It is silent on a remainder of 1
    (which would give 10, not a digit); like most municipal implementations we also give 0 there
    (decision recorded in docs/decisions/0002-check-digits.md).
    """
    if not body.isdigit() or not body.isascii():
        raise ValueError(f"digits expected, got {body!r}")
    if len(body) > len(_WEIGHTS):
        raise ValueError(f"at most {len(_WEIGHTS)} digits, got {len(body)}")
    # the digits' ASCII codes times their weights (in C), less 48 (the code of "0") times the weights' sum:
    # 0.8 µs for a 14-digit 宛名番号, a third of a digit-by-digit loop's (the base load numbers 2.4 million)
    total = sum(map(operator.mul, body.encode()[::-1], _WEIGHTS)) - _ZEROS[len(body)]
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


_WEIGHTS = tuple(2 + i % 6 for i in range(64))  # from the rightmost digit: 2, 3, 4, 5, 6, 7, 2, 3, …
_ZEROS = tuple(48 * sum(_WEIGHTS[:n]) for n in range(len(_WEIGHTS) + 1))


def with_modulus11(serial: int, width: int) -> str:
    """The number for ``serial``: ``width - 1`` digits of serial then one check digit."""
    body = str(serial).zfill(width - 1)
    if len(body) != width - 1:
        raise ValueError(f"serial {serial} does not fit in {width - 1} digits")
    return body + str(modulus11_w2_7(body))


def is_valid_modulus11(number: str) -> bool:
    return len(number) >= 2 and number.isdigit() and number.isascii() and (
        int(number[-1]) == modulus11_w2_7(number[:-1])
    )


def my_number_check_digit(first11: str) -> int:
    """個人番号の検査用数字 (行政手続における特定の個人を識別するための番号の利用等に関する法律施行令 第8条,
    個人番号の指定に関する省令 第5条).

    P = Σ Pn × Qn for n = 1..11, where Pn is the n-th digit counted from the right of the first eleven digits
    and Qn = n + 1 (1 ≤ n ≤ 6), n − 5 (7 ≤ n ≤ 11); the check digit is 0 when P mod 11 ≤ 1, otherwise
    11 − (P mod 11).
    """
    if len(first11) != 11 or not first11.isdigit() or not first11.isascii():
        raise ValueError("11 digits expected")
    total = 0
    for n, ch in enumerate(reversed(first11), start=1):
        q = n + 1 if n <= 6 else n - 5
        total += int(ch) * q
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid_my_number(number: str) -> bool:
    """True for twelve ASCII digits whose last is the official check digit."""
    return (
        len(number) == 12
        and number.isdigit()
        and number.isascii()
        and int(number[11]) == my_number_check_digit(number[:11])
    )


def make_my_number(first11: int) -> str:
    """A twelve-digit number with a correct check digit (for synthetic data and tests only)."""
    body = str(first11).zfill(11)
    return body + str(my_number_check_digit(body))
