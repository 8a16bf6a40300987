// Copyright 2026 The Pylon Gateway Authors.

#include "rest/local_checks.h"

namespace pylon::rest {

bool RanksAbove(const RoleRank& a, const RoleRank& b) {
  if (a.position != b.position) return a.position > b.position;
  return a.id < b.id;
}

std::optional<uint64_t> GuildView::GuildPermissions() const {
  return cache_.ComputePermissions(guild_, UserId(bot_.value()), std::nullopt);
}

std::optional<uint64_t> GuildView::ChannelPermissions(ChannelId channel) const {
  return cache_.ComputePermissions(guild_, UserId(bot_.value()), channel);
}

std::optional<pb::ChannelData::ChannelType> GuildView::ChannelType(ChannelId channel) const {
  pb::ChannelData data;
  if (!cache_.GetChannel(guild_, channel, &data)) return std::nullopt;
  return data.type();
}

std::optional<RoleRank> GuildView::Role(RoleId role) const {
  pb::RoleData data;
  if (!cache_.GetRole(guild_, role, &data)) return std::nullopt;
  return RoleRank{data.position(), data.id()};
}

std::optional<uint64_t> GuildView::RolePermissions(RoleId role) const {
  pb::RoleData data;
  if (!cache_.GetRole(guild_, role, &data)) return std::nullopt;
  return data.permissions();
}

std::optional<RoleRank> GuildView::TopRole(UserId user) const {
  pb::MemberData member;
  if (!cache_.GetMember(guild_, user, &member)) return std::nullopt;
  RoleRank top{0, guild_.value()};  // @everyone
  for (uint64_t id : member.roles()) {
    auto rank = Role(RoleId(id));
    if (!rank) return std::nullopt;  // a role the cache does not know: cannot tell
    if (RanksAbove(*rank, top)) top = *rank;
  }
  return top;
}

std::optional<bool> GuildView::CanManageRole(RoleId role) const {
  auto owner = Owner();
  if (!owner) return std::nullopt;
  if (owner->value() == bot_.value()) return true;
  auto top = TopRole(UserId(bot_.value()));
  auto target = Role(role);
  if (!top || !target) return std::nullopt;
  return RanksAbove(*top, *target);
}

std::optional<bool> GuildView::CanActOn(UserId target) const {
  auto owner = Owner();
  if (!owner) return std::nullopt;
  if (*owner == target) return false;
  if (owner->value() == bot_.value()) return true;
  auto top = TopRole(UserId(bot_.value()));
  auto target_top = TopRole(target);
  if (!top || !target_top) return std::nullopt;  // not a cached member: Discord decides
  return RanksAbove(*top, *target_top);
}

LocalError GuildView::RequireGuild(uint64_t all) const {
  auto perms = GuildPermissions();
  if (perms && (*perms & all) != all) return MissingPermissions();
  return std::nullopt;
}

LocalError GuildView::RequireGuildAny(uint64_t any) const {
  auto perms = GuildPermissions();
  if (perms && (*perms & any) == 0) return MissingPermissions();
  return std::nullopt;
}

LocalError GuildView::RequireChannel(ChannelId channel, uint64_t all) const {
  auto perms = ChannelPermissions(channel);
  if (!perms) return std::nullopt;
  if (!(*perms & perm::kViewChannel)) return MissingAccess();
  if (all & perm::kSendMessages) {
    auto type = ChannelType(channel);
    if (type == pb::ChannelData::PUBLIC_THREAD || type == pb::ChannelData::PRIVATE_THREAD) {
      all = (all & ~perm::kSendMessages) | perm::kSendMessagesInThreads;
    }
  }
  if ((*perms & all) != all) return MissingPermissions();
  return std::nullopt;
}

LocalError GuildView::RequireChannelAny(ChannelId channel, uint64_t any) const {
  auto perms = ChannelPermissions(channel);
  if (!perms) return std::nullopt;
  if (!(*perms & perm::kViewChannel)) return MissingAccess();
  if ((*perms & any) == 0) return MissingPermissions();
  return std::nullopt;
}

}  // namespace pylon::rest
