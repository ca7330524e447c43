from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from jichitai.common.vault import Keyring, KeyringError, Vault, install_key, load_keyring, load_or_create, token_key_id


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


def test_key_id_is_derived_from_the_key_and_reveals_nothing_of_it() -> None:
    """consistency: the id is stable per key, differs between keys, and is not a piece of the key or of its
    derived keys (HKDF with its own label)."""
    a, b = Vault.from_master(b"a" * 32), Vault.from_master(b"b" * 32)
    assert a.key_id == Vault.from_master(b"a" * 32).key_id != b.key_id and len(a.key_id) == 8
    for secret in (b"a" * 32, a.enc_key, a.index_key, a.file_key):
        assert a.key_id not in secret.hex()


def test_every_new_ciphertext_and_sealed_file_names_its_key() -> None:
    v = Vault.from_master(b"k" * 32)
    assert v.encrypt("123456789018").startswith(f"v2:{v.key_id}:")
    assert v.seal(b"data", "hub.file:1").startswith(b"JSEAL2" + v.key_id.encode())
    assert token_key_id(v.encrypt("123456789018")) == v.key_id


def test_a_keyring_reads_with_the_key_each_item_names_and_writes_with_the_current() -> None:
    old, new = Vault.from_master(b"o" * 32), Vault.from_master(b"n" * 32)
    ring = Keyring(new, (old,))
    token, sealed = old.encrypt("123456789018"), old.seal(b"csv", "hub.file:7")
    assert ring.decrypt(token) == "123456789018" and ring.unseal(sealed, "hub.file:7") == b"csv"
    assert ring.is_current(ring.encrypt("1")) and not ring.is_current(token)
    assert ring.blind_indexes("123456789018") == [new.blind_index("123456789018"), old.blind_index("123456789018")]
    with pytest.raises(KeyringError):
        Keyring(new).decrypt(token)  # the retired key removed too early: refused by name, not guessed
    with pytest.raises(InvalidTag):
        ring.unseal(sealed, "hub.file:8")  # bound to its record, as before


def test_install_key_retires_the_current_key_and_refuses_a_short_or_reused_one(tmp_path: Path) -> None:
    path, retired = tmp_path / "mynumber.key", tmp_path / "retired"
    path.write_bytes(b"o" * 32)
    with pytest.raises(KeyringError):
        install_key(path, retired, b"x" * 31)
    with pytest.raises(KeyringError):
        install_key(path, retired, b"o" * 32)
    assert not retired.exists()
    old_id, new_id = install_key(path, retired, b"n" * 32)
    ring = load_keyring(path, retired, create=False)
    assert ring.key_id == new_id and [v.key_id for v in ring.retired] == [old_id]
    assert oct(path.stat().st_mode & 0o777) == "0o600" and oct((retired / f"{old_id}.key").stat().st_mode & 0o777) == "0o600"
    with pytest.raises(KeyringError):
        install_key(path, retired, b"o" * 32)  # a retired key never comes back as the current one
