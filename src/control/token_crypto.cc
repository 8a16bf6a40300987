// Copyright 2026 The Pylon Gateway Authors.

#include "control/token_crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace pylon::control {
namespace {

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

}  // namespace

Result<std::string> EncryptToken(std::string_view key, std::string_view token,
                                 std::string_view associated) {
  if (key.size() != kTokenKeySize) return InvalidArgument("the token key must be 32 bytes");
  PYLON_ASSIGN_OR_RETURN(std::string nonce, RandomBytes(kNonceSize));
  CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string out = nonce;
  out.resize(kNonceSize + token.size() + kTagSize);
  unsigned char* cipher = reinterpret_cast<unsigned char*>(out.data()) + kNonceSize;
  int length = 0;
  int written = 0;
  if (!context ||
      EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) != 1 ||
      EVP_EncryptInit_ex(context.get(), nullptr, nullptr, Bytes(key), Bytes(nonce)) != 1 ||
      EVP_EncryptUpdate(context.get(), nullptr, &length, Bytes(associated),
                        static_cast<int>(associated.size())) != 1 ||
      EVP_EncryptUpdate(context.get(), cipher, &length, Bytes(token),
                        static_cast<int>(token.size())) != 1) {
    return Internal("AES-256-GCM encryption failed");
  }
  written = length;
  if (EVP_EncryptFinal_ex(context.get(), cipher + written, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kTagSize,
                          cipher + written + length) != 1) {
    return Internal("AES-256-GCM encryption failed");
  }
  out.resize(kNonceSize + written + length + kTagSize);
  return out;
}

Result<std::string> DecryptToken(std::string_view key, std::string_view blob,
                                 std::string_view associated) {
  if (key.size() != kTokenKeySize) return InvalidArgument("the token key must be 32 bytes");
  if (blob.size() < kNonceSize + kTagSize) {
    return DataLoss("encrypted token is " + std::to_string(blob.size()) + " bytes, too short");
  }
  std::string_view nonce = blob.substr(0, kNonceSize);
  std::string_view cipher = blob.substr(kNonceSize, blob.size() - kNonceSize - kTagSize);
  std::string tag(blob.substr(blob.size() - kTagSize));
  CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string out(cipher.size(), '\0');
  unsigned char* plain = reinterpret_cast<unsigned char*>(out.data());
  int length = 0;
  if (!context ||
      EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) != 1 ||
      EVP_DecryptInit_ex(context.get(), nullptr, nullptr, Bytes(key), Bytes(nonce)) != 1 ||
      EVP_DecryptUpdate(context.get(), nullptr, &length, Bytes(associated),
                        static_cast<int>(associated.size())) != 1 ||
      EVP_DecryptUpdate(context.get(), plain, &length, Bytes(cipher),
                        static_cast<int>(cipher.size())) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return Internal("AES-256-GCM decryption failed");
  }
  int written = length;
  if (EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(context.get(), plain + written, &length) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    return DataLoss("encrypted token does not authenticate (wrong token key or damaged record)");
  }
  out.resize(written + length);
  return out;
}

Result<std::string> RandomBytes(size_t count) {
  std::string out(count, '\0');
  if (count > 0 &&
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) {
    return Internal("the random number generator failed");
  }
  return out;
}

Result<std::string> RandomBase62(size_t count) {
  static constexpr std::string_view kAlphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out;
  out.reserve(count);
  while (out.size() < count) {
    PYLON_ASSIGN_OR_RETURN(std::string random, RandomBytes(count * 2));
    for (unsigned char byte : random) {
      // 248 = 4 * 62: bytes at or above it are dropped so that every character is equally likely.
      if (byte < 248 && out.size() < count) out.push_back(kAlphabet[byte % 62]);
    }
    OPENSSL_cleanse(random.data(), random.size());
  }
  return out;
}

std::string TokenFingerprint(std::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(token.data(), token.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 4; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

}  // namespace pylon::control
