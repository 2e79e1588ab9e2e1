"""Writes vectors.json: Cognito SRP answers computed by pycognito, for shared's srp tests.

pycognito==2024.5.1 (its aws_srp module, a port of amazon-cognito-identity-js's
AuthenticationHelper). Run it from the repository root in a throwaway venv:

    python3 -m venv /tmp/srp-venv && /tmp/srp-venv/bin/pip install pycognito==2024.5.1
    /tmp/srp-venv/bin/python shared/tests/data/srp/make_vectors.py

Every input is fixed: the random bytes behind `a` (128 as the reference clients draw them, or
40 as this project's clients do) (pycognito's random source is
patched), the challenge (SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP) and the clock
(pycognito's `datetime.utcnow` is patched). The inputs are derived from SHA-256 of a label,
so running the script again writes the same file.
"""

import base64
import datetime
import hashlib
import json
import pathlib
import types
from importlib.metadata import version

from pycognito import aws_srp

PYCOGNITO = "2024.5.1"
N = int(aws_srp.N_HEX, 16)


def stream(label, length):
    """`length` reproducible bytes named by `label`."""
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(f"{label}/{counter}".encode()).digest()
        counter += 1
    return out[:length]


def with_top(data, top_bit_set):
    """`data` with its first byte's top bit set or cleared (and not zero)."""
    first = data[0] | 0x80 if top_bit_set else (data[0] & 0x7F) | 0x01
    return bytes([first]) + data[1:]


def vector(name, pool_id, user, password, when, salt_hex, srp_b_hex, secret_block, a_length=128):
    a_bytes = stream(f"{name}/a", a_length)
    # pycognito's random source (its `a` is get_random(128) % N) and its clock.
    aws_srp.get_random = lambda nbytes: int.from_bytes(a_bytes, "big")

    class FixedClock(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return when.replace(tzinfo=None)

    aws_srp.datetime = types.SimpleNamespace(datetime=FixedClock)

    # A client is needed only for network calls, which this script never makes.
    srp = aws_srp.AWSSRP(user, password, pool_id, "client", client=object())
    challenge = {
        "USER_ID_FOR_SRP": user,
        "SALT": salt_hex,
        "SRP_B": srp_b_hex,
        "SECRET_BLOCK": base64.standard_b64encode(secret_block).decode(),
    }
    response = srp.process_challenge(challenge, {"USERNAME": user})
    key = srp.get_password_authentication_key(user, password, int(srp_b_hex, 16), salt_hex)
    return {
        "name": name,
        "user_pool_id": pool_id,
        "user_id_for_srp": user,
        "password": password,
        "a_bytes_hex": a_bytes.hex(),
        "salt_hex": salt_hex,
        "srp_b_hex": srp_b_hex,
        "secret_block_b64": challenge["SECRET_BLOCK"],
        "unix_seconds": int(when.timestamp()),
        "srp_a": srp.get_auth_params()["SRP_A"],
        "hkdf_key_hex": key.hex(),
        "timestamp": response["TIMESTAMP"],
        "signature": response["PASSWORD_CLAIM_SIGNATURE"],
    }


def utc(*args):
    return datetime.datetime(*args, tzinfo=datetime.timezone.utc)


def main():
    assert version("pycognito") == PYCOGNITO, f"pycognito {PYCOGNITO} is pinned"
    # The top bits of SALT and SRP_B decide whether PAD adds a zero byte; the first vector
    # has neither set, the third both.
    b_low = with_top(stream("b/low", 384), top_bit_set=False)
    b_high = with_top(stream("b/high", 384), top_bit_set=True)
    assert int.from_bytes(b_high, "big") < N
    vectors = [
        vector(
            "single-digit day, no top bits set",
            "eu-west-1_AbC123xyZ",
            "alice",
            "correct horse battery staple",
            utc(2026, 9, 5, 3, 4, 5),
            with_top(stream("salt/low", 16), top_bit_set=False).hex(),
            b_low.hex(),
            stream("block/1", 96),
        ),
        vector(
            "non-ASCII password on a leap day",
            "us-east-1_Xy9",
            "zoë",
            "pässwörd-ключ-🔑",
            utc(2028, 2, 29, 23, 59, 59),
            with_top(stream("salt/2", 16), top_bit_set=False).hex(),
            with_top(stream("b/2", 384), top_bit_set=False).hex(),
            stream("block/2", 1024),
        ),
        vector(
            "SALT and SRP_B with the top bit set (PAD adds a zero byte)",
            "ap-southeast-2_Q1w2E3r4T",
            "bob@example.com",
            "Tr0ub4dor&3",
            utc(2025, 12, 31, 12, 0, 0),
            with_top(stream("salt/high", 16), top_bit_set=True).hex().upper(),
            b_high.hex().upper(),
            stream("block/3", 48),
        ),
        vector(
            "USER_ID_FOR_SRP is the user's sub",
            "eu-central-1_z9Y8x7W6v",
            "4e13a754-28d3-4e67-a08e-5ce0c6fae306",
            "S3cure password with spaces",
            utc(2030, 10, 10, 10, 10, 10),
            with_top(stream("salt/4", 16), top_bit_set=True).hex(),
            with_top(stream("b/4", 384), top_bit_set=True).hex(),
            stream("block/4", 700),
        ),
        vector(
            "odd-length hex for a short SRP_B and SALT",
            "eu-west-2_Odd1",
            "carol",
            "p",
            utc(2027, 1, 1, 0, 0, 0),
            "abc",
            "7" + stream("b/5", 40).hex(),
            stream("block/5", 20),
        ),
        vector(
            "a 320-bit secret a, as the page and the CLI draw it",
            "eu-west-1_AbC123xyZ",
            "dave@example.com",
            "another correct horse",
            utc(2026, 12, 3, 18, 30, 0),
            with_top(stream("salt/6", 16), top_bit_set=True).hex(),
            with_top(stream("b/6", 384), top_bit_set=False).hex(),
            stream("block/6", 96),
            a_length=40,
        ),
    ]
    out = {
        "source": f"pycognito {PYCOGNITO} (aws_srp.AWSSRP), written by make_vectors.py",
        "vectors": vectors,
    }
    path = pathlib.Path(__file__).with_name("vectors.json")
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(vectors)} vectors to {path}")


if __name__ == "__main__":
    main()
