// Copyright 2026 The Pylon Gateway Authors.

#include "cache/permissions.h"

namespace pylon::cache {

uint64_t ComputePermissions(const PermissionInput& in) {
  using namespace permission;  // NOLINT: the bit names
  if (in.user == in.owner && !in.owner.is_zero()) return kAll;

  uint64_t p = 0;
  if (in.guild_roles != nullptr) {
    if (auto it = in.guild_roles->find(in.guild.value()); it != in.guild_roles->end()) {
      p = it->second.permissions;
    }
    if (in.roles != nullptr) {
      for (uint64_t role : *in.roles) {
        if (auto it = in.guild_roles->find(role); it != in.guild_roles->end()) {
          p |= it->second.permissions;
        }
      }
    }
  }
  if (p & kAdministrator) return kAll;

  if (in.channel != nullptr) {
    const std::vector<discord::Overwrite>& overwrites = in.channel->overwrites;
    for (const discord::Overwrite& o : overwrites) {
      if (o.type == 0 && o.id == in.guild.value()) {
        p &= ~o.deny;
        p |= o.allow;
        break;
      }
    }
    uint64_t allow = 0;
    uint64_t deny = 0;
    if (in.roles != nullptr) {
      for (const discord::Overwrite& o : overwrites) {
        if (o.type == 0 && o.id != in.guild.value() && in.roles->contains(o.id)) {
          allow |= o.allow;
          deny |= o.deny;
        }
      }
    }
    p &= ~deny;
    p |= allow;
    for (const discord::Overwrite& o : overwrites) {
      if (o.type == 1 && o.id == in.user.value()) {
        p &= ~o.deny;
        p |= o.allow;
        break;
      }
    }
  }

  if (in.timed_out) p &= kTimeoutMask;
  if (in.channel == nullptr) return p;

  if (!(p & kViewChannel)) return 0;
  if (!(p & (in.in_thread ? kSendMessagesInThreads : kSendMessages))) p &= ~kNeedsSend;
  const discord::ChannelType type = in.channel->type;
  if ((type == discord::ChannelType::kGuildVoice ||
       type == discord::ChannelType::kGuildStageVoice) &&
      !(p & kConnect)) {
    p &= ~kNeedsConnect;
  }
  return p;
}

}  // namespace pylon::cache
