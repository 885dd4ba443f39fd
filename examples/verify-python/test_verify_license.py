"""Unit tests of verify_license.py on the golden files of docs/FORMATS.md §7 and on the edges the
specification pins down: they fail if the verifier drifts from the spec. Run them with
`/usr/bin/python3 -m unittest discover -s examples/verify-python` (the Vitest suite does)."""

from __future__ import annotations

import datetime as dt
import unittest
from pathlib import Path

import verify_license as v

GOLDEN = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "golden"
VENDOR_KEY = bytes.fromhex("8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394")
DEVICE_KEY = bytes.fromhex("8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c")
DEVICE_ID = "FT3H-H2B7-Z7QV"
TRUSTED = {"0b080c6f41ac1802": VENDOR_KEY}
NOW = dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)


def verify(text: str, now: dt.datetime = NOW, **device: object) -> v.Verdict:
    return v.verify(text, TRUSTED, now=now, **(device or {"device_id": DEVICE_ID}))  # type: ignore[arg-type]


class GoldenFiles(unittest.TestCase):
    license = (GOLDEN / "SRV-5BQ7-MKXD-3H99.license4d").read_text("utf-8")
    qr = (GOLDEN / "license-qr.txt").read_text("utf-8")

    def test_worked_example_of_section_7(self) -> None:
        self.assertEqual(v.key_id_of(VENDOR_KEY), "0b080c6f41ac1802")
        self.assertEqual(v.device_id_of(DEVICE_KEY), DEVICE_ID)
        self.assertTrue(v.is_license_number("SRV-5BQ7-MKXD-3H99"))
        self.assertFalse(v.is_license_number("SRV-5BQ7-MKXD-3H98"))
        body = v.read_armor(self.license)
        _, signed, _ = v.parse_body(body)
        self.assertEqual(len(signed), 453)  # §7.4

    def test_the_file_and_its_qr_text_are_valid_on_their_device(self) -> None:
        for text in (self.license, self.qr, self.license.replace("\n", "\r\n"), "\ufeff" + self.license):
            verdict = verify(text)
            self.assertTrue(verdict.valid, verdict)
            self.assertEqual(verdict.fields["Expansion"], ["CLX-7K3M-Q9XP-R2TX", "WEB-8N4J-H6FZ-CY5K"])
        self.assertTrue(verify(self.license, device_key=DEVICE_KEY).valid)

    def test_any_change_is_refused(self) -> None:
        for old, new in [("Quantity: 1", "Quantity: 2"), ("Kind: standard", "Kind: temporary")]:
            self.assertEqual(verify(self.license.replace(old, new)).reason, "license_bad_signature")

    def test_each_step_has_its_reason_in_order(self) -> None:
        lic = self.license
        cases = {
            "license_too_large": lic + " " * v.MAX_FILE_UNITS,
            "license_not_a_license": (GOLDEN / "reg.txt").read_text("utf-8"),
            "license_unsupported_version": lic.replace("airlock-license/1", "airlock-license/2"),
            "license_malformed": lic.replace("Expires-At: -", "Expires-At: 2026-02-30T00:00:00Z"),
            "license_unsupported_algorithm": lic.replace("Algorithm: Ed25519", "Algorithm: Ed448"),
        }
        for reason, text in cases.items():
            self.assertEqual(verify(text).reason, reason)
        self.assertEqual(v.verify(lic, {}, device_id=DEVICE_ID, now=NOW).reason, "license_unknown_key")
        self.assertEqual(verify(lic, device_id="2222-2222-2222").reason, "license_wrong_device")
        issued = dt.datetime(2026, 11, 28, 17, tzinfo=dt.timezone.utc)
        five_minutes = dt.timedelta(seconds=300)
        self.assertTrue(verify(lic, now=issued - five_minutes).valid)
        one_second_more = issued - five_minutes - dt.timedelta(seconds=1)
        self.assertEqual(verify(lic, now=one_second_more).reason, "license_issued_in_future")

    def test_lines_and_values_are_read_exactly(self) -> None:
        lic = self.license
        for old, new in [
            ("Quantity: 1", "Quantity:  1"),  # the value is verbatim: " 1"
            ("Quantity: 1", "Quantity: 01"),
            ("Quantity: 1", "Quantity: \u0661"),  # ARABIC-INDIC DIGIT ONE is no \d in ECMAScript
            ("Parent: -\n", "Parent: -\nParent: -\n"),
            ("Kind: standard\n", "Kind: standard\n\n"),
            ("Kind: standard", "Kind: stan\rdard"),  # a lone CR
            ("Key-Id: 0b080c6f41ac1802", "Key-Id: 0B080C6F41AC1802"),
            ("Request-Nonce: q6urq6urq6urq6urq6urqw", "Request-Nonce: q6urq6urq6urq6urq6urqx"),  # loose bits
        ]:
            self.assertEqual(verify(lic.replace(old, new, 1)).reason, "license_malformed", repr(new))
        begin = lic.index("-----BEGIN")
        self.assertEqual(verify(lic[:begin] + " " + lic[begin:]).reason, "license_not_a_license")


class Conventions(unittest.TestCase):
    def test_base64url_is_strict(self) -> None:
        self.assertEqual(v.b64url_decode("q6urq6urq6urq6urq6urqw"), b"\xab" * 16)
        for text in ("q6urq6urq6urq6urq6urqw==", "q6urq6urq6urq6urq6urqx", "q6ur+6urq6urq6urq6urqw", "a"):
            self.assertIsNone(v.b64url_decode(text), text)

    def test_timestamps_exist_and_are_in_range(self) -> None:
        self.assertIsNotNone(v.parse_timestamp("2105-12-31T23:59:59Z"))
        for text in ("2026-02-29T00:00:00Z", "2026-11-28T24:00:00Z", "2016-12-31T23:59:60Z",
                     "1999-12-31T23:59:59Z", "2106-01-01T00:00:00Z", "2026-11-28T17:00:00.000Z",
                     "2026-11-28 17:00:00Z", "\u0662026-11-28T17:00:00Z"):
            self.assertIsNone(v.parse_timestamp(text), text)

    def test_email_reader_rule(self) -> None:
        for text in ("ada@example.com", "zoë@exämple.com", "x@x.y."):
            self.assertTrue(v.is_email(text), text)
        for text in ("Ada@example.com", "ÄDA@example.com", " ada@example.com", "ada@example", "a\ufeff@b.cc"):
            self.assertFalse(v.is_email(text), text)

    def test_key_set_schema(self) -> None:
        entry = {"kid": "0b080c6f41ac1802", "alg": "Ed25519", "status": "verify-only",
                 "publicKey": "gTl3Dqh9F19Wo1Rmw0x-zMuNipG07jeiXfYPW4_Js5Q", "createdAt": "x", "extra": 1}
        self.assertEqual(v.trusted_keys_from({"keys": [entry]}), TRUSTED)
        self.assertEqual(v.trusted_keys_from({"keys": [{**entry, "kid": "0000000000000000"}]}), {})
        for body in ({"keys": [{**entry, "alg": "RSA"}]}, {"keys": [entry] * 65}, [entry], {}):
            with self.assertRaises(v.KeySetError):
                v.trusted_keys_from(body)


if __name__ == "__main__":
    unittest.main()
