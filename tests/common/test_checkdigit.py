"""住民記録システム標準仕様書 1.1.13 (j130) M11W2～7, and the 個人番号 check digit (番号法施行令 第8条)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai.common.checkdigit import (
    is_valid_modulus11,
    is_valid_my_number,
    make_my_number,
    modulus11_w2_7,
    my_number_check_digit,
    with_modulus11,
)


def test_modulus11_weights_from_the_right() -> None:
    # 1234567: weights from the right 2,3,4,5,6,7,2 → 7*2+6*3+5*4+4*5+3*6+2*7+1*2 = 106; 106 % 11 = 7 → 4
    assert modulus11_w2_7("1234567") == 4
    assert with_modulus11(1234567, 8) == "12345674"


def test_modulus11_remainder_zero_gives_zero() -> None:
    # j130: 余りが０の場合、検査付番は０とする. 0000000 sums to 0.
    assert modulus11_w2_7("0000000") == 0
    # 11 → weights 2,3: 1*2 + 1*3 = 5 → 6 ; 0000011 remainder 5 → 6
    assert modulus11_w2_7("0000011") == 6


def test_modulus11_remainder_one_gives_zero() -> None:
    # 0000005: 5*2 = 10 → remainder 10 → 1; 0000006: 12 % 11 = 1 → 0 (decision 0002)
    assert modulus11_w2_7("0000006") == 0


@given(st.integers(min_value=0, max_value=10**9 - 1))
def test_modulus11_detects_every_single_digit_change(serial: int) -> None:
    number = with_modulus11(serial, 10)
    assert is_valid_modulus11(number)
    for i in range(len(number) - 1):
        d = int(number[i])
        changed = number[:i] + str((d + 1) % 10) + number[i + 1 :]
        # weights 2..7 are units mod 11: a single changed digit changes the sum mod 11
        if modulus11_w2_7(changed[:-1]) != int(number[-1]):
            continue
        # only possible when both remainders map to 0 (remainder 0 or 1)
        assert int(number[-1]) == 0


def test_my_number_official_check_digit() -> None:
    # Worked by hand from the formula: Σ Pn×Qn = 212, 212 mod 11 = 3, 11 − 3 = 8
    assert my_number_check_digit("12345678901") == 8
    assert is_valid_my_number("123456789018")
    assert not is_valid_my_number("123456789011")
    assert not is_valid_my_number("12345678901")
    assert not is_valid_my_number("１２３４５６７８９０１８")  # full-width digits are not a My Number


@given(st.integers(min_value=0, max_value=10**11 - 1))
def test_make_my_number_is_valid(body: int) -> None:
    assert is_valid_my_number(make_my_number(body))


def test_rejects_non_digits() -> None:
    with pytest.raises(ValueError):
        modulus11_w2_7("12a")


@given(st.text(alphabet="0123456789", min_size=1, max_size=64))
def test_modulus11_equals_the_digit_by_digit_definition(body: str) -> None:
    # j130: weights 2,3,4,5,6,7,2,3,… from the rightmost digit; 11 − (sum mod 11), 0 for a remainder of 0 or 1
    total = sum(int(ch) * (2 + i % 6) for i, ch in enumerate(reversed(body)))
    assert modulus11_w2_7(body) == (0 if total % 11 <= 1 else 11 - total % 11)


def test_modulus11_refuses_a_body_longer_than_its_weights() -> None:
    with pytest.raises(ValueError):
        modulus11_w2_7("1" * 65)
