#!/usr/bin/python3
"""Verify an Airlock license (a `.license4d` file or its QR text), from docs/FORMATS.md alone.

A second implementation of the license format, in another language, written from the specification
only: it lets a vendor's Python program check a license offline, and it proves the specification
precise enough to write one. Standard library and PyNaCl (libsodium) only.

    verify_license.py FILE --keys keys.json --device-id ID [--now ISO]

Exit status: 0 valid, 1 refused (the reason code of FORMATS.md §9 is printed), 2 usage error.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime as dt
import hashlib
import json
import re
import sys
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import nacl.exceptions
import nacl.signing

# §2.1, §4, §5.3: the constants of the license format.
LABEL = "AIRLOCK LICENSE"
FORMAT_LINE = "Format: airlock-license/1"
DOMAIN = "airlock/license/v1"
QR_PREFIX = "AIRLOCK:L1:"
MAX_FILE_UNITS = 16_384  # §1.1: counted in UTF-16 code units, as JavaScript does
MAX_QR_UNITS = 4_096
ISSUED_AT_TOLERANCE = dt.timedelta(seconds=300)  # §4.4 step 10
KINDS = ("standard", "temporary", "emergency")

# §1.1: the regular expressions of the specification are ECMAScript's. Python's differ (\d and \s
# are Unicode-wide, $ also matches before a final LF), so every class is spelled out and every
# pattern is applied with fullmatch.
SYMBOLS = "23456789ABCDEFGHJKLMNPQRSTVWXYZ"  # §1.5: each symbol is worth its index
_SYM = "[2-9A-HJ-NP-TV-Z]"
# ECMAScript's \s: the characters String.prototype.trim() removes (Python's \s and str.strip() differ).
WHITE_SPACE = "".join(
    ["\t\n\v\f\r \u00a0\u1680", *map(chr, range(0x2000, 0x200B)), "\u2028\u2029\u202f\u205f\u3000\ufeff"]
)
_EMAIL_CHAR = f"[^{WHITE_SPACE}@A-Z]"
LICENSE_RE = re.compile(f"{_SYM}{{3}}-{_SYM}{{4}}-{_SYM}{{4}}-{_SYM}{{4}}")
DEVICE_ID_RE = re.compile(f"{_SYM}{{4}}-{_SYM}{{4}}-{_SYM}{{4}}")
EMAIL_RE = re.compile(f"{_EMAIL_CHAR}{{1,64}}@{_EMAIL_CHAR}{{1,189}}\\.{_EMAIL_CHAR}{{1,63}}")
ARMOR_RE = re.compile("-----(BEGIN|END) ([A-Z0-9 ]{1,40})-----")
TIMESTAMP_RE = re.compile("([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z")
FIELD_RE = re.compile("([A-Za-z][A-Za-z-]{0,30}): ([^\r\n\u2028\u2029]*)")
B64URL_RE = re.compile("[A-Za-z0-9_-]*")
KID_RE = re.compile("[0-9a-f]{16}")
CONTROLS_RE = re.compile("[\u0000-\u001f\u007f\u0085\u2028\u2029]")

MIN_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)  # §1.3: years 2000-2105
END_TIME = dt.datetime(2106, 1, 1, tzinfo=dt.timezone.utc)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


class Refused(Exception):
    """The first check that failed: `reason` is a stable code of §9, `message` is for people."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason, self.message = reason, message


class KeySetError(ValueError):
    """The key set breaks its schema (§6.1): the caller's input is wrong, this is no verdict."""


@dataclass(frozen=True)
class Verdict:
    """Valid (with the fields, for the caller to use), or the reason code of the first failed step."""

    valid: bool
    reason: str | None = None
    message: str = ""
    fields: Mapping[str, list[str]] = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.valid:
            return f"refused: {self.reason} ({self.message})"
        f = {name: values[0] if values else "" for name, values in self.fields.items()}
        expiry = "does not expire" if f["Expires-At"] == "-" else f"expires at {f['Expires-At']}"
        return f"valid: {f['License']} ({f['Product-Name']}, {f['Kind']}) on {f['Device-Id']}, {expiry}"


def _malformed(message: str) -> Refused:
    return Refused("license_malformed", message)


# --- §1: conventions ------------------------------------------------------------------------------


def utf16_units(text: str) -> int:
    """A length as JavaScript counts it (§1.1): a character beyond U+FFFF counts twice."""
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def b64url_encode(raw: bytes) -> str:
    """base64url without padding (§1.2)."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes | None:
    """Strict base64url (§1.2), or None. Python's decoder skips foreign characters and ignores the
    unused low bits, so the text must also be the one encoding of the bytes it decodes to."""
    if not B64URL_RE.fullmatch(text) or len(text) % 4 == 1:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw if b64url_encode(raw) == text else None


def parse_timestamp(text: str) -> dt.datetime | None:
    """A §1.3 timestamp: exact syntax, a date and time that exist, years 2000-2105; else None."""
    match = TIMESTAMP_RE.fullmatch(text)
    if not match:
        return None
    try:
        t = dt.datetime(*(int(g) for g in match.groups()), tzinfo=dt.timezone.utc)
    except ValueError:  # 2026-02-30, 24:00:00, a leap second
        return None
    return t if MIN_TIME <= t < END_TIME else None


def format_timestamp(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _weighted_sum(symbols: str) -> int:
    return sum(i * SYMBOLS.index(c) for i, c in enumerate(symbols, 1)) % 31


def has_valid_check_character(text: str) -> bool:
    """§1.5: the weighted sum of the symbols (hyphens removed) is 0 modulo 31."""
    symbols = text.replace("-", "")
    return len(symbols) >= 2 and _weighted_sum(symbols) == 0


def is_license_number(text: str) -> bool:
    """§1.6: canonical form and a valid check character."""
    return bool(LICENSE_RE.fullmatch(text)) and has_valid_check_character(text)


def is_device_id(text: str) -> bool:
    """§1.8: canonical form and a valid check character."""
    return bool(DEVICE_ID_RE.fullmatch(text)) and has_valid_check_character(text)


def device_id_of(public_key: bytes) -> str:
    """§1.8: the first 8 bytes of SHA-512(key), mod 31^11 in base 31, then a check character."""
    value = int.from_bytes(hashlib.sha512(public_key).digest()[:8], "big")
    symbols = ""
    for _ in range(11):
        value, digit = divmod(value, 31)
        symbols = SYMBOLS[digit] + symbols
    symbols += SYMBOLS[(-_weighted_sum(symbols) * pow(12, -1, 31)) % 31]
    return f"{symbols[:4]}-{symbols[4:8]}-{symbols[8:]}"


def key_id_of(public_key: bytes) -> str:
    """§1.9: the first 8 bytes of SHA-512(key), in lower-case hex."""
    return hashlib.sha512(public_key).digest()[:8].hex()


def is_email(text: str) -> bool:
    """§1.4, a reader's rule: no normalising, a valid address is already its own normal form."""
    return (
        utf16_units(text) <= 254
        and len(text.encode("utf-8")) <= 255
        and not CONTROLS_RE.search(text)
        and text.strip(WHITE_SPACE).lower() == text
        and bool(EMAIL_RE.fullmatch(text))
    )


# --- §4.1: the fields, in order, with their syntax (step 4) ---------------------------------------


def _pattern(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern)
    return lambda value: bool(compiled.fullmatch(value))


FIELDS: tuple[tuple[str, int, int, Callable[[str], bool]], ...] = (
    # name, fewest lines, most lines, syntax
    ("License", 1, 1, _pattern(LICENSE_RE.pattern)),
    ("Product", 1, 1, _pattern(f"{_SYM}{{3}}")),
    ("Product-Name", 1, 1, lambda v: 1 <= len(v) <= 100 and not CONTROLS_RE.search(v)),
    ("Quantity", 1, 1, _pattern("[1-9][0-9]{0,8}")),
    ("Kind", 1, 1, lambda v: v in KINDS),
    ("Parent", 1, 1, lambda v: v == "-" or bool(LICENSE_RE.fullmatch(v))),
    ("Expansion", 0, 32, _pattern(LICENSE_RE.pattern)),
    ("Email", 1, 1, lambda v: 3 <= utf16_units(v) <= 254 and not re.search(f"[{WHITE_SPACE}]", v)),
    ("Device-Id", 1, 1, _pattern(DEVICE_ID_RE.pattern)),
    ("Device-Key", 1, 1, lambda v: len(b64url_decode(v) or b"") == 32),
    ("Issued-At", 1, 1, lambda v: parse_timestamp(v) is not None),
    ("Expires-At", 1, 1, lambda v: v == "-" or parse_timestamp(v) is not None),
    ("Request-Nonce", 1, 1, _pattern("[A-Za-z0-9_-]{22}")),
    ("Algorithm", 1, 1, _pattern("[A-Za-z0-9-]{1,20}")),
    ("Key-Id", 1, 1, _pattern(KID_RE.pattern)),
)


def parse_body(body: list[str]) -> tuple[dict[str, list[str]], bytes, bytes]:
    """§2.2 steps 6-8 (§4.4 steps 3-4): the Format line, the fields in table order, the Signature
    line last. Returns the fields, the signed bytes (§2.4) and the 64-byte signature."""
    if not body or not body[0].startswith("Format: "):
        raise _malformed("the block must start with the Format line")
    if body[0] != FORMAT_LINE:
        raise Refused("license_unsupported_version", f"{body[0]!r} is not {FORMAT_LINE!r}")
    fields: dict[str, list[str]] = {}
    i = 1
    for name, fewest, most, syntax in FIELDS:
        values: list[str] = []
        while i < len(body) and (line := FIELD_RE.fullmatch(body[i])) and line[1] == name:
            if len(values) == most:
                raise _malformed(f"more than {most} {name} lines")
            if not syntax(line[2]):
                raise _malformed(f"{name}: {line[2]!r} is not valid")
            values.append(line[2])
            i += 1
        if len(values) < fewest:
            raise _malformed(f"line {i + 1} of the block: {name} expected")
        fields[name] = values
    signature_line = FIELD_RE.fullmatch(body[i]) if i < len(body) else None
    if not signature_line or signature_line[1] != "Signature" or i != len(body) - 1:
        raise _malformed(f"line {i + 1} of the block: Signature expected, and nothing after it")
    signature = b64url_decode(signature_line[2])
    if signature is None or len(signature) != 64:
        raise _malformed("Signature: not 64 bytes of strict base64url")
    signed = "".join(f"{signed_line}\n" for signed_line in [DOMAIN, *body[:i]]).encode("utf-8")
    return fields, signed, signature


def check_semantics(fields: Mapping[str, list[str]]) -> None:
    """§4.2 (step 6): what the fields mean together, once each one's syntax is right."""
    f = {name: values[0] for name, values in fields.items() if values}
    if not is_license_number(f["License"]):
        raise _malformed("License: wrong check character")
    if f["Product"] != f["License"][:3]:
        raise _malformed("Product is not the license number's product code")
    if len(f["Product-Name"].encode("utf-8")) > 255:
        raise _malformed("Product-Name: more than 255 bytes of UTF-8")
    expansions = fields["Expansion"]
    if f["Parent"] != "-" and not is_license_number(f["Parent"]):
        raise _malformed("Parent: wrong check character")
    if not all(map(is_license_number, expansions)) or len(set(expansions)) < len(expansions):
        raise _malformed("Expansion: a wrong check character or a number listed twice")
    if not is_email(f["Email"]):
        raise _malformed("Email: not a valid address")
    if f["Device-Id"] != device_id_of(b64url_decode(f["Device-Key"]) or b""):
        raise _malformed("Device-Id is not the id of Device-Key")
    issued, expires = parse_timestamp(f["Issued-At"]), parse_timestamp(f["Expires-At"])
    if issued is None or (f["Expires-At"] != "-" and expires is None):
        raise _malformed("a time outside 2000-2105")  # only the QR form can get here (§5.3)
    if expires is not None and expires <= issued:
        raise _malformed("Expires-At is not later than Issued-At")
    if len(b64url_decode(f["Request-Nonce"]) or b"") != 16:
        raise _malformed("Request-Nonce: not 16 bytes of strict base64url")


# --- §2.2: the armored block; §5.3: the QR text ---------------------------------------------------


def read_armor(text: str) -> list[str]:
    """§2.2 steps 1-5 (§4.4 steps 1-2): the body lines between the first BEGIN line and its END."""
    if utf16_units(text) > MAX_FILE_UNITS:
        raise Refused("license_too_large", f"more than {MAX_FILE_UNITS} characters")
    lines = text.replace("\r\n", "\n").split("\n")  # at LF only: str.splitlines() splits at more
    begin = next((i for i, s in enumerate(lines) if s.startswith("-----BEGIN") and ARMOR_RE.fullmatch(s)), -1)
    if begin < 0:
        raise Refused("license_not_a_license", "no BEGIN line")
    if lines[begin] != f"-----BEGIN {LABEL}-----":
        raise Refused("license_not_a_license", f"found {lines[begin]}")
    try:
        end = lines.index(f"-----END {LABEL}-----", begin + 1)
    except ValueError:
        raise Refused("license_not_a_license", "no END line") from None
    return lines[begin + 1 : end]


class _Payload:
    """Reads the compact types of §5.1; running out of bytes is `license_malformed`."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, size: int) -> bytes:
        if self.at + size > len(self.data):
            raise _malformed("the QR payload ends early")
        self.at += size
        return self.data[self.at - size : self.at]

    def u8(self) -> int:
        return self.take(1)[0]

    def u32(self) -> int:
        return int.from_bytes(self.take(4), "big")

    def text(self) -> str:
        try:  # strict, and a leading U+FEFF stays part of the value ("utf-8", not "utf-8-sig")
            return self.take(self.u8()).decode("utf-8")
        except UnicodeDecodeError:
            raise _malformed("invalid UTF-8 in the QR payload") from None

    def number(self) -> str:
        s = self.take(15).decode("latin-1")  # any byte: the field syntax refuses what is no symbol
        return f"{s[:3]}-{s[3:7]}-{s[7:11]}-{s[11:]}"

    def time(self) -> str:
        # Seconds outside 2000-2105 give a timestamp that parse_timestamp() refuses.
        return format_timestamp(EPOCH + dt.timedelta(seconds=self.u32()))


def read_qr(text: str) -> list[str]:
    """§5.3: decode the QR text into the body lines of a file (§4.1, Signature included), so that
    both forms go through the same checks and the same signed bytes (§2.4)."""
    if utf16_units(text) > MAX_QR_UNITS:
        raise Refused("license_too_large", f"more than {MAX_QR_UNITS} characters")
    if not text.startswith(QR_PREFIX):
        raise Refused("license_not_a_license", f"does not start with {QR_PREFIX}")
    data = b64url_decode(text[len(QR_PREFIX) :])
    if data is None:
        raise _malformed("the QR payload is not strict base64url")
    p = _Payload(data)
    if p.u8() != 1:
        raise Refused("license_unsupported_version", "QR layout version is not 1")
    kind, number, name, quantity, has_parent = p.u8(), p.number(), p.text(), p.u32(), p.u8()
    if kind > 2 or has_parent > 1:
        raise _malformed("a kind or has-parent byte out of range")
    lines = [FORMAT_LINE, f"License: {number}", f"Product: {number[:3]}", f"Product-Name: {name}"]
    lines += [f"Quantity: {quantity}", f"Kind: {KINDS[kind]}", f"Parent: {p.number() if has_parent else '-'}"]
    lines += [f"Expansion: {p.number()}" for _ in range(p.u8())]
    lines.append(f"Email: {p.text()}")
    device_key = p.take(32)
    lines += [f"Device-Id: {device_id_of(device_key)}", f"Device-Key: {b64url_encode(device_key)}"]
    issued, expires = p.time(), p.u32()  # Expires-At 0: does not expire
    expires_at = format_timestamp(EPOCH + dt.timedelta(seconds=expires)) if expires else "-"
    lines += [f"Issued-At: {issued}", f"Expires-At: {expires_at}"]
    lines.append(f"Request-Nonce: {b64url_encode(p.take(16))}")
    lines += ["Algorithm: Ed25519", f"Key-Id: {p.take(8).hex()}", f"Signature: {b64url_encode(p.take(64))}"]
    if p.at != len(data):
        raise _malformed("trailing bytes after the QR payload's signature")
    return lines


# --- §4.4: the verdict ----------------------------------------------------------------------------


def verify(
    text: str,
    trusted_keys: Mapping[str, bytes],
    *,
    device_id: str | None = None,
    device_key: bytes | None = None,
    now: dt.datetime | None = None,
) -> Verdict:
    """Run §4.4 steps 1-11 in order on a license file's text or a license QR text.

    Like the License Manager's Load (§5.3), a text that starts with `AIRLOCK:L1:` once trimmed is a
    QR text. The device is named by its public key (`device_key`: step 9 exactly) or by its device
    id, which step 6 has tied to `Device-Key` (§4.3)."""
    if (device_id is None) == (device_key is None):
        raise ValueError("give exactly one of device_id and device_key")
    now = now or dt.datetime.now(dt.timezone.utc)
    # A str from a UTF-16 source may hold a lone surrogate, which UTF-8 cannot encode: read it as
    # U+FFFD, as JavaScript's TextEncoder does (§1.1). Text decoded from a file never holds one.
    text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    trimmed = text.strip(WHITE_SPACE)
    try:
        body = read_qr(trimmed) if trimmed.startswith(QR_PREFIX) else read_armor(text)  # steps 1-2
        fields, signed, signature = parse_body(body)  # steps 3-4
        f = {name: values[0] for name, values in fields.items() if values}
        if f["Algorithm"] != "Ed25519":  # step 5
            raise Refused("license_unsupported_algorithm", f"signed with {f['Algorithm']}")
        check_semantics(fields)  # step 6
        public_key = trusted_keys.get(f["Key-Id"])  # step 7
        if public_key is None:
            raise Refused("license_unknown_key", f"key {f['Key-Id']} is not among the trusted keys")
        try:  # step 8; libsodium refuses S >= L, as §1.7 requires
            nacl.signing.VerifyKey(public_key).verify(signed, signature)
        except nacl.exceptions.BadSignatureError:
            raise Refused("license_bad_signature", f"changed since key {f['Key-Id']} signed it") from None
        if device_key is not None:  # step 9
            bound = b64url_decode(f["Device-Key"]) == device_key
        else:
            bound = f["Device-Id"] == device_id
        if not bound:
            raise Refused("license_wrong_device", f"issued to device {f['Device-Id']}")
        issued, expires = parse_timestamp(f["Issued-At"]), parse_timestamp(f["Expires-At"])
        if issued is None or issued > now + ISSUED_AT_TOLERANCE:  # step 10 (step 4 parsed it)
            raise Refused("license_issued_in_future", f"issued at {f['Issued-At']}")
        if expires is not None and expires <= now:  # step 11
            raise Refused("license_expired", f"expired at {f['Expires-At']}")
    except Refused as refused:
        return Verdict(False, refused.reason, refused.message)
    return Verdict(True, fields=fields)


# --- §6: the published keys -----------------------------------------------------------------------


def trusted_keys_from(body: object) -> dict[str, bytes]:
    """§6.1: refuse a body that breaks the schema as a whole, then silently drop each entry whose
    key is not 32 bytes of strict base64url, whose kid is not that key's id, or whose kid the set
    lists as withdrawn. (The set's signature, §6.2, matters to a device that keeps the set across
    answers; a verifier given one saved set trusts that file.)"""
    keys = body.get("keys") if isinstance(body, dict) else None
    if not isinstance(keys, list) or len(keys) > 64:
        raise KeySetError('not a key set: {"keys": [...]} with at most 64 keys expected')
    withdrawn = body.get("withdrawn", [])
    if not isinstance(withdrawn, list) or len(withdrawn) > 64 or not all(
        isinstance(kid, str) and KID_RE.fullmatch(kid) for kid in withdrawn
    ):
        raise KeySetError("a key set's withdrawn list must hold at most 64 key ids")
    trusted: dict[str, bytes] = {}
    for entry in keys:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("kid"), str)
            and KID_RE.fullmatch(entry["kid"])
            and entry.get("alg") == "Ed25519"
            and isinstance(entry.get("publicKey"), str)
            and utf16_units(entry["publicKey"]) == 43
            and entry.get("status") in ("active", "verify-only")
            and isinstance(entry.get("createdAt"), str)
        ):
            raise KeySetError(f"a key set entry does not match the schema: {entry!r:.200}")
        public_key = b64url_decode(entry["publicKey"])
        if entry["kid"] in withdrawn:
            continue
        if public_key is not None and len(public_key) == 32 and key_id_of(public_key) == entry["kid"]:
            trusted[entry["kid"]] = public_key
    return trusted


def load_trusted_keys(source: str) -> dict[str, bytes]:
    """The answer of `GET /api/v1/keys`: fetched from its URL, or read from a saved copy."""
    try:
        if source.startswith(("https://", "http://")):
            with urllib.request.urlopen(source, timeout=30) as response:
                body = json.load(response)
        else:
            with open(source, encoding="utf-8") as file:
                body = json.load(file)
    except (OSError, ValueError) as error:
        raise KeySetError(f"cannot read the key set {source}: {error}") from error
    return trusted_keys_from(body)


# --- the command line -----------------------------------------------------------------------------


def read_license_text(path: str) -> str:
    """A file as every Airlock reader decodes it (§1.1): UTF-8, a leading byte-order mark dropped,
    invalid bytes as U+FFFD. A UTF-16 code unit takes at most 3 bytes, so reading a byte more than
    3 x 16,384 (+ 3 for the mark) is enough to see that a larger file is too large."""
    with open(path, "rb") as file:
        return file.read(3 * MAX_FILE_UNITS + 4).decode("utf-8-sig", errors="replace")


def _timestamp_argument(text: str) -> dt.datetime:
    t = parse_timestamp(text)
    if t is None:
        raise argparse.ArgumentTypeError(f"not a timestamp YYYY-MM-DDTHH:MM:SSZ in 2000-2105: {text}")
    return t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Verify an Airlock license file or license QR text offline (docs/FORMATS.md §4).",
        epilog="Exit status: 0 valid, 1 refused (its reason code is printed), 2 usage error.",
    )
    parser.add_argument("file", metavar="FILE", help="a .license4d file, or a file holding a license QR text")
    parser.add_argument("--keys", required=True, help="GET /api/v1/keys: its URL or a saved copy of its JSON")
    device = parser.add_mutually_exclusive_group(required=True)
    device.add_argument("--device-id", help="this device's id, XXXX-XXXX-XXXX")
    device.add_argument("--device-key", help="this device's Ed25519 public key (43 base64url characters)")
    parser.add_argument("--now", type=_timestamp_argument, help="check at this time (default: now)")
    args = parser.parse_args(argv)

    device_key = None
    if args.device_key is not None:
        device_key = b64url_decode(args.device_key)
        if device_key is None or len(device_key) != 32:
            parser.error("--device-key: not 32 bytes of strict base64url")
    elif not is_device_id(args.device_id):
        parser.error("--device-id: not a device id XXXX-XXXX-XXXX with a valid check character")
    try:
        trusted_keys = load_trusted_keys(args.keys)
        text = read_license_text(args.file)
    except (KeySetError, OSError) as error:
        parser.error(str(error))
    verdict = verify(text, trusted_keys, device_id=args.device_id, device_key=device_key, now=args.now)
    print(verdict)
    return 0 if verdict.valid else 1


if __name__ == "__main__":
    sys.exit(main())
