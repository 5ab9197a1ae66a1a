"""The Merkle log and the pure-Python Ed25519 verifier against published test vectors."""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.evidence.merkle import EMPTY_ROOT, Tree
from portal.evidence.verify_pack import ed25519_verify, leaf_hash, verify_consistency, verify_inclusion

# RFC 6962 reference data, as used by Certificate Transparency's own tests.
LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                     "606162636465666768696a6b6c6d6e6f")]
ROOTS = [bytes.fromhex(h) for h in (
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
)]
INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]
CONSISTENCY = [
    (2, 8, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]
# RFC 8032 §7.1, tests 1 and 2.
ED25519 = [
    ("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
]

TREE = Tree.of_leaves(LEAVES)


def test_roots_match_rfc_6962():
    assert TREE.root(0) == EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert [TREE.root(n) for n in range(1, 9)] == ROOTS


def test_inclusion_proofs_match_the_reference_and_verify():
    for index, size, path in INCLUSION:
        proof = TREE.inclusion_proof(index, size)
        assert [p.hex() for p in proof] == path
        assert verify_inclusion(leaf_hash(LEAVES[index]), index, size, proof, ROOTS[size - 1])
        assert not verify_inclusion(leaf_hash(LEAVES[index]), index ^ 1, size, proof, ROOTS[size - 1])


def test_consistency_proofs_match_the_reference_and_verify():
    for first, second, path in CONSISTENCY:
        proof = TREE.consistency_proof(first, second)
        assert [p.hex() for p in proof] == path
        assert verify_consistency(first, second, ROOTS[first - 1], ROOTS[second - 1], proof)
        assert not verify_consistency(first, second, ROOTS[first], ROOTS[second - 1], proof)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 70), st.data())
def test_every_proof_verifies_and_any_changed_hash_fails(size, data):
    tree = Tree.of_leaves([i.to_bytes(4, "big") for i in range(size)])
    index = data.draw(st.integers(0, size - 1))
    first = data.draw(st.integers(1, size))
    inclusion = tree.inclusion_proof(index)
    assert verify_inclusion(tree.levels[0][index], index, size, inclusion, tree.root())
    consistency = tree.consistency_proof(first)
    assert verify_consistency(first, size, tree.root(first), tree.root(), consistency)
    for proof, check in ((inclusion, lambda p: verify_inclusion(tree.levels[0][index], index, size, p, tree.root())),
                         (consistency, lambda p: verify_consistency(first, size, tree.root(first), tree.root(), p))):
        if proof:
            position = data.draw(st.integers(0, len(proof) - 1))
            changed = list(proof)
            changed[position] = bytes([changed[position][0] ^ 1]) + changed[position][1:]
            assert not check(changed)
            assert not check(proof[:-1])
            assert not check(proof + [b"\0" * 32])


def test_ed25519_rfc_8032_vectors():
    for public, message, signature in ED25519:
        key, msg, sig = bytes.fromhex(public), bytes.fromhex(message), bytes.fromhex(signature)
        assert ed25519_verify(key, msg, sig)
        assert not ed25519_verify(key, msg + b"\0", sig)
        assert not ed25519_verify(key, msg, bytes([sig[0] ^ 1]) + sig[1:])


@settings(max_examples=15, deadline=None)
@given(st.binary(max_size=200))
def test_ed25519_agrees_with_cryptography(message):
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    signature = private.sign(message)
    assert ed25519_verify(public, message, signature)
    assert not ed25519_verify(public, message + b"x", signature)
