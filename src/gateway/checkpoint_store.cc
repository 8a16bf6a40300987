// Copyright 2026 The Pylon Gateway Authors.

#include "gateway/checkpoint_store.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "base/log.h"
#include "internal/v1/store.pb.h"

namespace pylon::gateway {

void MemoryCheckpointStore::Save(BotShard shard, const discord::SessionCheckpoint& checkpoint) {
  std::lock_guard lock(mutex_);
  checkpoints_[shard] = checkpoint;
}

std::optional<discord::SessionCheckpoint> MemoryCheckpointStore::Load(BotShard shard) {
  std::lock_guard lock(mutex_);
  auto it = checkpoints_.find(shard);
  if (it == checkpoints_.end()) return std::nullopt;
  return it->second;
}

void MemoryCheckpointStore::Erase(BotShard shard) {
  std::lock_guard lock(mutex_);
  checkpoints_.erase(shard);
}

Result<std::unique_ptr<FileCheckpointStore>> FileCheckpointStore::Open(std::string directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    return Unavailable("cannot create checkpoint directory '" + directory +
                       "': " + error.message());
  }
  return std::unique_ptr<FileCheckpointStore>(new FileCheckpointStore(std::move(directory)));
}

std::string FileCheckpointStore::PathOf(BotShard shard) const {
  return directory_ + "/" + shard.bot.ToString() + "-" + shard.shard.ToString() + ".checkpoint";
}

void FileCheckpointStore::Save(BotShard shard, const discord::SessionCheckpoint& checkpoint) {
  pylon::internal::v1::ShardCheckpoint record;
  record.set_bot_id(shard.bot.value());
  record.set_shard_id(shard.shard.value());
  record.set_session_id(checkpoint.session_id);
  record.set_resume_gateway_url(checkpoint.resume_gateway_url);
  record.set_sequence(checkpoint.sequence);
  std::string path = PathOf(shard);
  std::string temporary = path + ".tmp";
  std::lock_guard lock(mutex_);
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out || !record.SerializeToOstream(&out)) {
      log::Warn("cannot write checkpoint {}", temporary);
      return;
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) log::Warn("cannot save checkpoint {}: {}", path, error.message());
}

std::optional<discord::SessionCheckpoint> FileCheckpointStore::Load(BotShard shard) {
  std::lock_guard lock(mutex_);
  std::ifstream in(PathOf(shard), std::ios::binary);
  if (!in) return std::nullopt;
  pylon::internal::v1::ShardCheckpoint record;
  if (!record.ParseFromIstream(&in) || record.bot_id() != shard.bot.value() ||
      record.shard_id() != shard.shard.value()) {
    log::Warn("ignoring unreadable checkpoint {}", PathOf(shard));
    return std::nullopt;
  }
  return discord::SessionCheckpoint{record.session_id(), record.resume_gateway_url(),
                                    record.sequence()};
}

void FileCheckpointStore::Erase(BotShard shard) {
  std::lock_guard lock(mutex_);
  std::error_code error;
  std::filesystem::remove(PathOf(shard), error);
}

}  // namespace pylon::gateway
