#!/usr/bin/env python3
"""Recomputes the backup file test vector of docs/protocol.md ("Backup file") with libsodium
through ctypes, independently of the Swift code: prints the derived key and the file's bytes."""
import ctypes
import ctypes.util

sodium = ctypes.CDLL(ctypes.util.find_library("sodium"))
assert sodium.sodium_init() >= 0
passphrase = b"correct horse battery staple"
salt, nonce, seed = bytes(range(16)), bytes(range(24)), bytes(range(32))
opslimit, memlimit = 2, 64 << 20  # libsodium's INTERACTIVE limits
key = ctypes.create_string_buffer(32)
assert sodium.crypto_pwhash(key, ctypes.c_ulonglong(32), passphrase, ctypes.c_ulonglong(len(passphrase)), salt,
                            ctypes.c_ulonglong(opslimit), ctypes.c_size_t(memlimit), ctypes.c_int(2)) == 0
box = ctypes.create_string_buffer(48)
assert sodium.crypto_secretbox_easy(box, seed, ctypes.c_ulonglong(32), nonce, key.raw) == 0
backup = (b"vfbackup" + (1).to_bytes(2, "big") + bytes([2]) + opslimit.to_bytes(8, "big") + memlimit.to_bytes(8, "big")
          + salt + nonce + box.raw + bytes([0]))
if __name__ == "__main__" and "--check" not in __import__("sys").argv:
    print("key   ", key.raw.hex())
    print("backup", backup.hex())

if __name__ == "__main__":
    import re
    import sys
    if "--check" in sys.argv:
        # The vector as docs/protocol.md §18 prints it: the backticked hex lines after "file (116 bytes):".
        text = open(sys.argv[sys.argv.index("--check") + 1], encoding="utf-8").read()
        section = text[text.index("- file (116 bytes):"):]
        documented = "".join(re.findall(r"^\s+`([0-9a-f]+)`$", section, re.MULTILINE))
        if documented != backup.hex():
            sys.exit("backup vector: docs/protocol.md says\n  %s\nlibsodium computes\n  %s" % (documented, backup.hex()))
        print("backup vector: docs/protocol.md matches libsodium")
