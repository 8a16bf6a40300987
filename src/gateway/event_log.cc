// Copyright 2026 The Pylon Gateway Authors.

#include "gateway/event_log.h"

#include <algorithm>

namespace pylon::gateway {

EventLog::EventLog(size_t capacity, uint64_t max_bytes)
    : slots_(std::max<size_t>(capacity, 1)), max_bytes_(max_bytes) {}

void EventLog::DropOldest() {
  LoggedEvent& oldest = slots_[head_];
  if (oldest.body) bytes_ -= oldest.body->size();
  oldest = LoggedEvent();
  head_ = (head_ + 1) % slots_.size();
  --size_;
  ++overwritten_;
}

const LoggedEvent& EventLog::Append(LoggedEvent event) {
  event.position = next_position_++;
  const uint64_t size = event.body ? event.body->size() : 0;
  if (size_ == slots_.size()) DropOldest();
  while (size_ > 0 && bytes_ + size > max_bytes_) DropOldest();
  bytes_ += size;
  LoggedEvent& slot = slots_[(head_ + size_) % slots_.size()];
  slot = std::move(event);
  ++size_;
  return slot;
}

uint64_t EventLog::ReadAfter(uint64_t after, size_t max, std::vector<LoggedEvent>* out) const {
  uint64_t first = first_position();
  uint64_t missed = 0;
  uint64_t from = after + 1;
  if (from < first) {
    missed = first - from;
    from = first;
  }
  for (uint64_t p = from; p <= last_position() && max > 0; ++p, --max) {
    out->push_back(slots_[(head_ + (p - first)) % slots_.size()]);
  }
  return missed;
}

const LoggedEvent* EventLog::At(uint64_t position) const {
  if (position < first_position() || position > last_position()) return nullptr;
  return &slots_[(head_ + (position - first_position())) % slots_.size()];
}

}  // namespace pylon::gateway
