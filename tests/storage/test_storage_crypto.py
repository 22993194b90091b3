"""FieldCipher and the key file: encryption round trips, rotation, kind errors."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from storage import crypto
from storage.crypto import DecryptionError
from storage.crypto import EncryptionKeyError
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.crypto import load_or_create_key_file


def test_round_trip_hides_the_text() -> None:
    cipher = FieldCipher(generate_key())
    token = cipher.encrypt("Sam said: ünïcode ✓")
    assert "Sam" not in token
    assert token.isascii()
    assert cipher.decrypt(token) == "Sam said: ünïcode ✓"
    assert cipher.encrypt("same") != cipher.encrypt("same")


def test_first_key_encrypts_and_every_key_decrypts() -> None:
    old, new = generate_key(), generate_key()
    old_token = FieldCipher(old).encrypt("from before")
    rotated = FieldCipher(f" {new} , {old} ")
    assert rotated.decrypt(old_token) == "from before"
    new_token = rotated.encrypt("from after")
    assert FieldCipher(new).decrypt(new_token) == "from after"
    with pytest.raises(DecryptionError):
        FieldCipher(old).decrypt(new_token)
    assert FieldCipher([new, old]).decrypt(old_token) == "from before"


def test_a_wrong_key_is_a_plain_error() -> None:
    token = FieldCipher(generate_key()).encrypt("secret")
    with pytest.raises(DecryptionError, match="could not be decrypted"):
        FieldCipher(generate_key()).decrypt(token)
    with pytest.raises(DecryptionError):
        FieldCipher(generate_key()).decrypt("not a token at all")


@pytest.mark.parametrize("bad", ["tooshort", "x" * 44, generate_key()[:-2]])
def test_a_malformed_key_is_named_but_not_shown(bad: str) -> None:
    with pytest.raises(EncryptionKeyError) as caught:
        FieldCipher(bad)
    message = str(caught.value)
    assert bad not in message
    assert "not a valid key" in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_which_of_several_keys_is_malformed() -> None:
    with pytest.raises(EncryptionKeyError, match="key 2 of 2"):
        FieldCipher(f"{generate_key()},oops")


@pytest.mark.parametrize("empty", ["", " , ", []])
def test_no_key_at_all(empty: str | list[str]) -> None:
    with pytest.raises(EncryptionKeyError, match="No encryption key"):
        FieldCipher(empty)


def test_key_file_is_created_private_once(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "coprod.key"
    key, created = load_or_create_key_file(path)
    assert created
    assert FieldCipher(key).decrypt(FieldCipher(key).encrypt("x")) == "x"
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, created_again = load_or_create_key_file(path)
    assert (again, created_again) == (key, False)


def test_a_damaged_key_file_is_refused_without_showing_it(tmp_path: Path) -> None:
    path = tmp_path / "coprod.key"
    path.write_text("definitely-not-a-key\n")
    with pytest.raises(EncryptionKeyError, match="does not hold a valid") as caught:
        load_or_create_key_file(path)
    assert "definitely-not-a-key" not in str(caught.value)


def test_an_empty_key_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crypto, "_KEY_FILE_READ_PAUSE_SECONDS", 0.0)
    path = tmp_path / "coprod.key"
    path.write_text("")
    with pytest.raises(EncryptionKeyError, match="is empty"):
        load_or_create_key_file(path)
