from pathlib import Path

import pytest

from jichitai.common.vault import Vault, load_or_create


def test_encrypt_round_trip_and_nondeterminism() -> None:
    v = Vault.from_master(b"k" * 32)
    a, b = v.encrypt("123456789018"), v.encrypt("123456789018")
    assert a != b and v.decrypt(a) == v.decrypt(b) == "123456789018"


def test_blind_index_is_keyed_and_stable() -> None:
    v1, v2 = Vault.from_master(b"a" * 32), Vault.from_master(b"b" * 32)
    assert v1.blind_index("123456789018") == v1.blind_index("123456789018")
    assert v1.blind_index("123456789018") != v2.blind_index("123456789018")


def test_key_file_is_created_outside_the_database_with_private_mode(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "mynumber.key"
    v = load_or_create(path, create=True)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert load_or_create(path, create=False).blind_index("x") == v.blind_index("x")
    with pytest.raises(FileNotFoundError):
        load_or_create(tmp_path / "missing", create=False)
