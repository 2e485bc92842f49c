"""The transfer file: a whole case, compressed, encrypted with a passphrase, signed by the force.

Layout (every part is checked before the next is trusted):

    MAGIC (8 bytes) | header length (4 bytes, big-endian) | header (canonical JSON, UTF-8)
    | ciphertext (AES-256-GCM of the zlib-compressed payload JSON, the tag at its end)
    | Ed25519 signature (64 bytes) over everything before it

The header says how to read the rest (format version, the Scrypt parameters and salt, the nonce)
and who sent it to whom; it carries the signer's public key, so a file verifies on its own and
the receiving force then decides whether it trusts that key. The header is the AEAD's associated
data as well as signed: changing a byte of it fails both checks. Nothing about the person is in
the header: it is readable without the passphrase.

Only the primitives of ``cryptography`` are used (Scrypt, AESGCM, Ed25519); nothing here is
hand-made crypto. Reading checks in this order, so each failure has one meaning: the format
(MAGIC, header), the signature (the file was altered or damaged), then the decryption (with a
valid signature, a failed GCM tag can only mean the wrong passphrase).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import zlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

MAGIC = b"RSOXFER\x01"
FORMAT = "rso-manager force transfer"
VERSION = 1
SIGNATURE_BYTES = 64
# Scrypt at n=2**15, r=8 (32 MiB, about 0.1 s): the passphrase travels separately, and the file
# may be kept; a file asking for far more is refused rather than let it exhaust memory.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
MAX_SCRYPT_N = 2**20
MAX_HEADER_BYTES = 64 * 1024
MAX_PAYLOAD_BYTES = 512 * 1024 * 1024  # a case with its photographs; more is not a case file


class TransferFileError(Exception):
    """The file cannot be read: FIELD is "file" or "passphrase", MESSAGE says what to do."""

    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message
        super().__init__(message)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def fingerprint(public_key: bytes) -> str:
    """A key's name that forces compare by phone or letter: SHA-256 of the raw key, in hex."""
    return hashlib.sha256(public_key).hexdigest()


def _canonical(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


@dataclass(frozen=True)
class OpenedFile:
    header: dict[str, Any]
    payload: dict[str, Any]
    signer_public_key: bytes

    @property
    def signer_fingerprint(self) -> str:
        return fingerprint(self.signer_public_key)


def seal(payload: dict[str, Any], passphrase: str, signer: Ed25519PrivateKey,
         about: dict[str, Any]) -> bytes:
    """PAYLOAD as a transfer file. ABOUT goes into the header as it is (who sent it to whom,
    when: JSON values, nothing about the person)."""
    salt, nonce = os.urandom(16), os.urandom(12)
    header = {
        **about, "format": FORMAT, "version": VERSION,
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
        "cipher": "AES-256-GCM", "nonce": _b64(nonce), "compression": "zlib",
        "signer_public_key": _b64(public_key_bytes(signer.public_key())),
    }
    header_bytes = _canonical(header)
    head = MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes
    plain = zlib.compress(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8"), 9)
    ciphertext = AESGCM(_key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)).encrypt(nonce, plain, head)
    body = head + ciphertext
    return body + signer.sign(body)


_NOT_A_TRANSFER = ("This is not a case transfer file from RSO Manager (or it is damaged at its "
                   "start). Check you chose the file the other force sent.")


def read_header(data: bytes) -> tuple[dict[str, Any], int]:
    """The header of DATA (not yet checked against the signature) and where the ciphertext
    starts; TransferFileError("file") when DATA is not a transfer file at all."""
    if len(data) < len(MAGIC) + 4 + SIGNATURE_BYTES or not data.startswith(MAGIC[:7]):
        raise TransferFileError("file", _NOT_A_TRANSFER)
    if data[:len(MAGIC)] != MAGIC:
        raise TransferFileError("file", "This transfer file was made by a newer version of RSO Manager "
                                        "(an unknown file format). Update RSO Manager, then try again.")
    (size,) = struct.unpack(">I", data[len(MAGIC):len(MAGIC) + 4])
    start = len(MAGIC) + 4
    if size > MAX_HEADER_BYTES or start + size + SIGNATURE_BYTES > len(data):
        raise TransferFileError("file", _NOT_A_TRANSFER)
    try:
        header = json.loads(data[start:start + size].decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise TransferFileError("file", _NOT_A_TRANSFER) from None
    if not isinstance(header, dict):
        raise TransferFileError("file", _NOT_A_TRANSFER)
    return header, start + size


def _check_format(header: dict[str, Any]) -> None:
    """Once the signature holds: a header this version knows how to read."""
    if header.get("format") != FORMAT:
        raise TransferFileError("file", _NOT_A_TRANSFER)
    if header.get("version") != VERSION or header.get("cipher") != "AES-256-GCM" \
            or header.get("compression") != "zlib" or not isinstance(header.get("kdf"), dict) \
            or header["kdf"].get("name") != "scrypt":
        raise TransferFileError("file", "This transfer file uses a file format this version of RSO "
                                        "Manager does not know. Update RSO Manager, then try again.")


def open_sealed(data: bytes, passphrase: str) -> OpenedFile:
    """The header and payload of a transfer file, once its signature and its encryption are
    both checked. Raises TransferFileError naming the file or the passphrase."""
    header, body_end_of_header = read_header(data)
    body, signature = data[:-SIGNATURE_BYTES], data[-SIGNATURE_BYTES:]
    try:
        signer = _unb64(header.get("signer_public_key"))
        Ed25519PublicKey.from_public_bytes(signer).verify(signature, body)
    except (ValueError, InvalidSignature):
        raise TransferFileError(
            "file", "This file has been altered or damaged since the sending force signed it, so it "
                    "cannot be trusted. Ask them to send it again.") from None
    _check_format(header)
    kdf = header["kdf"]
    try:
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        salt, nonce = _unb64(kdf["salt"]), _unb64(header["nonce"])
    except (KeyError, TypeError, ValueError):
        raise TransferFileError("file", _NOT_A_TRANSFER) from None
    if not (2 <= n <= MAX_SCRYPT_N and 1 <= r <= 32 and 1 <= p <= 16 and len(nonce) == 12):
        raise TransferFileError("file", "This transfer file asks for encryption settings RSO Manager "
                                        "does not accept. Ask the sending force to export it again.")
    if not passphrase:
        raise TransferFileError("passphrase", "Enter the passphrase the sending force gave you for this file.")
    try:
        plain = AESGCM(_key(passphrase, salt, n, r, p)).decrypt(
            nonce, data[body_end_of_header:-SIGNATURE_BYTES], data[:body_end_of_header])
    except InvalidTag:
        raise TransferFileError(
            "passphrase", "That passphrase does not open this file. Check it with the sending force "
                          "(it is sent separately from the file), then type it again.") from None
    try:
        inflater = zlib.decompressobj()
        text = inflater.decompress(plain, MAX_PAYLOAD_BYTES)
        if inflater.unconsumed_tail:
            raise ValueError("too large")
        payload = json.loads(text.decode("utf-8"))
    except (zlib.error, ValueError, UnicodeDecodeError):
        raise TransferFileError("file", "The sending force's software wrote a case this version cannot "
                                        "read. Ask them which version they use.") from None
    if not isinstance(payload, dict):
        raise TransferFileError("file", _NOT_A_TRANSFER)
    return OpenedFile(header, payload, signer)
