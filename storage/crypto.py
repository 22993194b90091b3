"""Field encryption for what people wrote (message bodies, settings), with room for key rotation.

Sensitive text is encrypted before it reaches the database, so a copied database file
(or its write-ahead log) shows nothing readable. `FieldCipher` wraps Fernet
(AES-128-CBC with HMAC-SHA256, authenticated) through `MultiFernet`: the first key
encrypts and every key decrypts, so a new key can be put first while old data stays
readable.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import time
from collections.abc import Sequence
from pathlib import Path

from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken
from cryptography.fernet import MultiFernet
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_KEY_FILE_READ_ATTEMPTS = 20
_KEY_FILE_READ_PAUSE_SECONDS = 0.05


class EncryptionKeyError(ValueError):
    """An encryption key is missing or malformed, or cannot read stored data.

    The message is plain language and never contains the key itself.
    """


class DecryptionError(EncryptionKeyError):
    """Stored data could not be decrypted with any configured key (wrong key, or damaged)."""


def _split_keys(keys: str | Sequence[str]) -> list[str]:
    raw = keys.split(",") if isinstance(keys, str) else list(keys)
    return [key.strip() for key in raw if key.strip()]


class FieldCipher:
    """Encrypts and decrypts text fields; the first key encrypts, all keys decrypt.

    `keys` is one key, several keys, or a comma-separated string of keys (newest first),
    as `COPROD_ENCRYPTION_KEY` holds them. Each key is a URL-safe base64 Fernet key as
    made by `generate_key`.
    """

    __slots__ = ("_count", "_fernet", "_raw")

    def __init__(self, keys: str | Sequence[str]) -> None:
        self._fernet, self._count, self._raw = self._load(keys)

    @staticmethod
    def _load(keys: str | Sequence[str]) -> tuple[MultiFernet, int, tuple[bytes, ...]]:
        found = _split_keys(keys)
        if not found:
            raise EncryptionKeyError("No encryption key was given.")
        fernets: list[Fernet] = []
        for number, key in enumerate(found, start=1):
            try:
                fernets.append(Fernet(key))
            except (ValueError, TypeError, binascii.Error):
                where = f"Encryption key {number} of {len(found)}" if len(found) > 1 else (
                    "The encryption key")
                raise EncryptionKeyError(
                    f"{where} is not a valid key: it should be 44 characters of URL-safe "
                    "base64, as made by `coprod generate-key`. Check it was copied whole."
                ) from None
        raw = tuple(base64.urlsafe_b64decode(key) for key in found)
        return MultiFernet(fernets), len(fernets), raw

    @property
    def key_count(self) -> int:
        """How many keys this cipher holds (more than one while keys are being changed)."""
        return self._count

    def derived_keys(self, purpose: bytes) -> tuple[bytes, ...]:
        """One 32-byte key per configured key (newest first), derived with HKDF-SHA256 for
        `purpose` alone: signing something with the encryption key without using it for
        two jobs (a backup's manifest is signed this way)."""
        return tuple(HKDF(algorithm=SHA256(), length=32, salt=None, info=purpose).derive(raw)
                     for raw in self._raw)

    def encrypt(self, text: str) -> str:
        """Encrypt text with the newest key; the result is ASCII and safe to store as text."""
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def encrypt_at(self, text: str, unix_seconds: int) -> str:
        """Like `encrypt`, but the token's readable timestamp is `unix_seconds` (Fernet
        stores its creation time unencrypted; anonymous feedback gives a coarse one)."""
        return self._fernet.encrypt_at_time(text.encode("utf-8"), unix_seconds).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Decrypt a token made by `encrypt` with any of the configured keys."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise DecryptionError(
                "Stored data could not be decrypted with the configured encryption key. "
                "If the key was changed, put the new key first and keep the old one after "
                "it, separated by a comma."
            ) from None

    def opens(self, token: str) -> bool:
        """Whether any of this cipher's keys decrypts the token."""
        try:
            self.decrypt(token)
        except DecryptionError:
            return False
        return True

    def rotate(self, token: str) -> str:
        """The token re-encrypted under the newest key, keeping its (coarse) timestamp:
        anonymous feedback's day-stamped tokens stay day-stamped."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise DecryptionError(
                "Stored data could not be decrypted with any of the configured keys."
            ) from None


class KeyFileCipher(FieldCipher):
    """A `FieldCipher` whose keys come from a key file, re-read when the file changes.

    Lets `coprod rotate-key` change keys under a running bot: it writes "new,old" to the
    file (the bot then encrypts with the new key and still reads the old), re-encrypts
    everything, then writes "new" alone. The file's identity (inode, size, modification
    time) is checked before each use, which costs one `stat`.
    """

    __slots__ = ("_path", "_stamp")

    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        self._stamp = self._stat()
        super().__init__(read_key_file(self._path))

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            found = os.stat(self._path)
        except OSError:
            return None
        return (found.st_ino, found.st_size, found.st_mtime_ns)

    def _refresh(self) -> None:
        stamp = self._stat()
        if stamp is None or stamp == self._stamp:
            return
        try:
            text = self._path.read_text(encoding="ascii", errors="replace").strip()
            self._fernet, self._count, self._raw = self._load(text)
        except (EncryptionKeyError, OSError):
            return  # damaged or unreadable: keep the keys that work until it is fixed
        self._stamp = stamp

    def encrypt(self, text: str) -> str:
        """Encrypt with the key file's current keys, re-read if the file changed."""
        self._refresh()
        return super().encrypt(text)

    def encrypt_at(self, text: str, unix_seconds: int) -> str:
        """Encrypt with a readable timestamp of `unix_seconds`, with the key file's current
        keys, re-read if the file changed."""
        self._refresh()
        return super().encrypt_at(text, unix_seconds)

    def decrypt(self, token: str) -> str:
        """Decrypt with the key file's current keys, re-read if the file changed."""
        self._refresh()
        return super().decrypt(token)

    def rotate(self, token: str) -> str:
        """Re-encrypt under the newest of the key file's current keys, re-read if the file
        changed."""
        self._refresh()
        return super().rotate(token)


def generate_key() -> str:
    """A new random key for `FieldCipher` (URL-safe base64, 44 characters)."""
    return Fernet.generate_key().decode("ascii")


def load_or_create_key_file(path: Path) -> tuple[str, bool]:
    """The key stored in `path`, creating the file with a new key if it does not exist.

    Lets the bot run with no configuration at all while still encrypting. The file is
    created with O_CREAT|O_EXCL and mode 0600, so it is never readable by others and
    two processes starting at once cannot both create it. Returns (key, created).
    """
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = generate_key()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: read theirs below
        else:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(key + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            _fsync_directory(path.parent)
            return key, True
    return read_key_file(path), False


def write_key_file(path: Path, keys: Sequence[str]) -> None:
    """Replace the key file with these keys (newest first), atomically and durably.

    A new file (mode 0600) is written beside it, synced, then renamed over the old one,
    so a reader sees the old keys or the new ones, never half a file.
    """
    path = Path(path)
    text = ",".join(_split_keys(list(keys)))
    FieldCipher(text)  # refuse to write anything that is not a usable key list
    temporary = path.with_name(f".{path.name}.{os.getpid()}.new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _fsync_directory(path.parent)


def read_key_file(path: Path) -> str:
    """The key (or comma-separated keys, newest first) a key file holds, checked."""
    return _read_key_file(Path(path))


def _read_key_file(path: Path) -> str:
    # A process that lost the creation race may read before the winner has written.
    for _ in range(_KEY_FILE_READ_ATTEMPTS):
        text = path.read_text(encoding="ascii", errors="replace").strip()
        if text:
            break
        time.sleep(_KEY_FILE_READ_PAUSE_SECONDS)
    else:
        raise EncryptionKeyError(
            f"The key file {path} is empty. If nothing has been stored yet, delete it and "
            "a new key will be made; otherwise restore it from a backup."
        )
    try:
        FieldCipher(text)
    except EncryptionKeyError:
        raise EncryptionKeyError(
            f"The key file {path} does not hold a valid encryption key. Restore it from a "
            "backup; do not replace it, or data stored with it cannot be read."
        ) from None
    return text


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not supported on this platform (Windows); the file itself is synced
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
