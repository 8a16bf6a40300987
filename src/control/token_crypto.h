// Copyright 2026 The Pylon Gateway Authors.
// The cryptography of the control plane (OpenSSL): bot tokens encrypted at rest with AES-256-GCM,
// random secrets and ids, token fingerprints. Stateless and thread-safe.

#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace pylon::control {

inline constexpr size_t kTokenKeySize = 32;  // AES-256
inline constexpr size_t kNonceSize = 12;     // GCM's standard nonce
inline constexpr size_t kTagSize = 16;

// nonce (12 random bytes) || ciphertext || tag (16 bytes). `associated` is authenticated but not
// stored (the bot id: a record's ciphertext cannot be moved to another bot's record).
Result<std::string> EncryptToken(std::string_view key, std::string_view token,
                                 std::string_view associated);
// DATA_LOSS when the blob is malformed or does not authenticate (wrong key, tampered record).
Result<std::string> DecryptToken(std::string_view key, std::string_view blob,
                                 std::string_view associated);

// `count` bytes from OpenSSL's CSPRNG (INTERNAL if it fails).
Result<std::string> RandomBytes(size_t count);
// `count` characters of [0-9A-Za-z], uniformly distributed (rejection sampling).
Result<std::string> RandomBase62(size_t count);

// A short non-reversible fingerprint: the first 8 hex digits of SHA-256(token).
std::string TokenFingerprint(std::string_view token);

}  // namespace pylon::control
