// Copyright 2026 The Pylon Gateway Authors.
// The data plane's read-only view of the configuration (control_plane.h).

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>

#include "control/control_plane.h"

namespace pylon::control {
namespace {

std::string Sha256(std::string_view salt, std::string_view secret) {
  std::string input;
  input.reserve(salt.size() + secret.size());
  input.append(salt).append(secret);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr);
  OPENSSL_cleanse(input.data(), input.size());
  return std::string(reinterpret_cast<const char*>(digest), length);
}

}  // namespace

std::string HashToken(std::string_view salt, std::string_view secret) {
  return Sha256(salt, secret);
}

bool WorkerGroupView::Authenticates(std::string_view secret) const {
  bool match = false;
  for (const TokenHash& token : tokens) {
    std::string digest = Sha256(token.salt, secret);
    if (digest.size() == token.sha256.size() &&
        CRYPTO_memcmp(digest.data(), token.sha256.data(), digest.size()) == 0) {
      match = true;  // keep going: the time taken does not depend on which token matched
    }
  }
  return match;
}

bool WorkerGroupView::AcceptsBot(BotId bot) const {
  return spec.bot_ids().empty() || std::find(spec.bot_ids().begin(), spec.bot_ids().end(),
                                             bot.value()) != spec.bot_ids().end();
}

bool WorkerGroupView::AcceptsGuild(GuildId guild) const {
  return spec.guild_ids().empty() || std::find(spec.guild_ids().begin(), spec.guild_ids().end(),
                                               guild.value()) != spec.guild_ids().end();
}

bool WorkerGroupView::AcceptsEventType(std::string_view type) const {
  return spec.event_types().empty() ||
         std::find(spec.event_types().begin(), spec.event_types().end(), type) !=
             spec.event_types().end();
}

const cpb::Bot* ConfigSnapshot::FindBot(BotId id) const {
  auto it = bots.find(id.value());
  return it == bots.end() ? nullptr : &it->second;
}

const WorkerGroupView* ConfigSnapshot::FindGroup(std::string_view name) const {
  auto it = worker_groups.find(name);
  return it == worker_groups.end() ? nullptr : &it->second;
}

const WorkerGroupView* ConfigSnapshot::GroupForToken(std::string_view secret) const {
  // Tokens we issue are "pylon_wg_<group name>_<random>": the group is found without hashing
  // every group's tokens.
  if (!secret.starts_with("pylon_wg_")) return nullptr;
  for (const auto& [name, group] : worker_groups) {
    std::string_view rest = secret.substr(9);
    if (rest.size() > name.size() && rest.starts_with(name) && rest[name.size()] == '_' &&
        group.Authenticates(secret)) {
      return &group;
    }
  }
  return nullptr;
}

}  // namespace pylon::control
