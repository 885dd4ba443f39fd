#!/usr/bin/env bash
# Checks the vendor signature of an Airlock license file (.license4d) with nothing but OpenSSL 3 and
# POSIX tools: an independent implementation of docs/FORMATS.md §4 (signed bytes, Key-Id, Ed25519).
#
# Usage: verify-license.sh LICENSE_FILE [VENDOR_PUBLIC_KEY]
#   VENDOR_PUBLIC_KEY: 64 hex digits or 43 base64url characters. Defaults to the TEST vendor key
#   (seed = 32 bytes of 0x02), which is published and must never be trusted outside tests.
#
# It checks the armor, the Key-Id and the signature only: a real verifier also runs the field checks,
# the device binding and the dates (docs/FORMATS.md §4.4). Exit status 0 only if the signature verifies.
set -euo pipefail

TEST_VENDOR_KEY=8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394
# DER SubjectPublicKeyInfo header for a raw 32-byte Ed25519 key (RFC 8410).
SPKI_PREFIX=302a300506032b6570032100

file=${1:?usage: verify-license.sh LICENSE_FILE [VENDOR_PUBLIC_KEY]}
key=${2:-$TEST_VENDOR_KEY}

fail() {
	echo "verify-license: $*" >&2
	exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

hex_to_file() { printf '%b' "$(printf '%s' "$1" | sed 's/../\\x&/g')" >"$2"; }

# base64url (no padding) to bytes: map to the standard alphabet and pad to a multiple of 4.
base64url_to_file() {
	local text=$1
	case $(( ${#text} % 4 )) in
		2) text="$text==" ;;
		3) text="$text=" ;;
		1) fail "not base64url: $1" ;;
	esac
	printf '%s' "$text" | tr -- '-_' '+/' | base64 -d >"$2" 2>/dev/null || fail "not base64url: $1"
}

# 1. The vendor public key, raw, then wrapped as DER SubjectPublicKeyInfo.
if [[ $key =~ ^[0-9a-fA-F]{64}$ ]]; then
	hex_to_file "$key" "$work/pub.raw"
elif [[ $key =~ ^[A-Za-z0-9_-]{43}$ ]]; then
	base64url_to_file "$key" "$work/pub.raw"
else
	fail "the vendor public key must be 64 hex digits or 43 base64url characters"
fi
[[ $(wc -c <"$work/pub.raw") -eq 32 ]] || fail "the vendor public key must be 32 bytes"
hex_to_file "$SPKI_PREFIX" "$work/spki-prefix.bin"
cat "$work/spki-prefix.bin" "$work/pub.raw" >"$work/pub.der"

# 2. The armored block: a leading byte-order mark dropped and CRLF read as LF (FORMATS.md §1.1); text
#    before BEGIN and after END ignored. The first BEGIN line of any label decides the type.
LC_ALL=C sed '1s/^\xEF\xBB\xBF//; s/\r$//' "$file" | awk -v out="$work/body.txt" '
	!begun && /^-----BEGIN [A-Z0-9 ]+-----$/ {
		if ($0 != "-----BEGIN AIRLOCK LICENSE-----") { print "found " $0 > "/dev/stderr"; wrong = 1; exit 2 }
		begun = 1; next
	}
	begun && $0 == "-----END AIRLOCK LICENSE-----" { ended = 1; exit }
	begun { print > out }
	END { if (!ended && !wrong) { print "no complete AIRLOCK LICENSE block" > "/dev/stderr"; exit 2 } }
' || fail "not an armored license file"

mapfile -t lines <"$work/body.txt"
count=${#lines[@]}
((count >= 2)) || fail "the block is empty"
[[ ${lines[0]} == "Format: airlock-license/1" ]] || fail "unsupported format: ${lines[0]}"
signature_line=${lines[count - 1]}
[[ $signature_line == "Signature: "* ]] || fail "Signature must be the last line"

# 3. The signed bytes: the domain line, then every field line before Signature, each ending in LF.
{
	printf 'airlock/license/v1\n'
	printf '%s\n' "${lines[@]:0:count-1}"
} >"$work/signed.bin"

# 4. The signature: 86 base64url characters, 64 bytes.
signature=${signature_line#Signature: }
# 64 bytes leave 4 unused bits in the last character; strict base64url wants them zero (A, Q, g or w).
[[ $signature =~ ^[A-Za-z0-9_-]{85}[AQgw]$ ]] || fail "the signature is not 86 strict base64url characters"
base64url_to_file "$signature" "$work/sig.bin"
[[ $(wc -c <"$work/sig.bin") -eq 64 ]] || fail "the signature is not 64 bytes"

# 5. Key-Id must name the key we verify with: first 8 bytes of SHA-512(public key), lower-case hex.
kid=$(openssl dgst -sha512 -binary "$work/pub.raw" | od -An -tx1 -N8 | tr -d ' \n')
key_id_line=$(printf '%s\n' "${lines[@]}" | grep -m1 '^Key-Id: ' || true)
[[ $key_id_line == "Key-Id: $kid" ]] || fail "signed by another key (${key_id_line:-no Key-Id}; this key is $kid)"

# 6. Ed25519 over the raw signed bytes (-rawin: no pre-hashing, as RFC 8032 requires).
openssl pkeyutl -verify -pubin -inkey "$work/pub.der" -keyform DER -rawin \
	-in "$work/signed.bin" -sigfile "$work/sig.bin"
