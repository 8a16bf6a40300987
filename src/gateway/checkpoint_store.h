// Copyright 2026 The Pylon Gateway Authors.
// Checkpoint stores for single-process use: in memory, or in files under a directory (one file
// per shard, written atomically by rename) so that a restarted process resumes its sessions.
// The cluster's store-backed implementation lives with the store. Thread-safe (a mutex: saves
// happen about once a second per shard, never on the event path).

#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "gateway/shard.h"

namespace pylon::gateway {

class MemoryCheckpointStore final : public CheckpointStore {
 public:
  void Save(BotShard shard, const discord::SessionCheckpoint& checkpoint) override;
  std::optional<discord::SessionCheckpoint> Load(BotShard shard) override;
  void Erase(BotShard shard) override;

 private:
  std::mutex mutex_;
  std::map<BotShard, discord::SessionCheckpoint> checkpoints_;
};

class FileCheckpointStore final : public CheckpointStore {
 public:
  // Creates `directory` if needed.
  static Result<std::unique_ptr<FileCheckpointStore>> Open(std::string directory);

  void Save(BotShard shard, const discord::SessionCheckpoint& checkpoint) override;
  std::optional<discord::SessionCheckpoint> Load(BotShard shard) override;
  void Erase(BotShard shard) override;

 private:
  explicit FileCheckpointStore(std::string directory) : directory_(std::move(directory)) {}
  std::string PathOf(BotShard shard) const;

  std::string directory_;
  std::mutex mutex_;
};

}  // namespace pylon::gateway
