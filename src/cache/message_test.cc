// Copyright 2026 The Pylon Gateway Authors.
// Message events: the ring per channel, updates merging present fields, deletes, reactions.

#include <memory>

#include <gtest/gtest.h>

#include "cache/cache_test_util.h"
#include "cache/message_store.h"
#include "cache/shard_cache.h"

namespace pylon::cache {
namespace {

using namespace test_util;  // NOLINT

constexpr uint64_t kChannel = kText;

class MessageTest : public ::testing::Test {
 protected:
  void SetUp() override { Make(AllKinds()); }

  void Make(CacheOptions options) {
    cache_ = std::make_unique<ShardCache>(BotId(kBot), options);
    cache_->ApplyReady(MakeReady());
    auto event = MakeGuildCreate();
    cache_->ApplyGuildCreate(event, nullptr);
  }

  void Create(uint64_t id, uint64_t author = 600, std::string content = "") {
    pb::MessageData message;
    message.set_id(id);
    message.set_channel_id(kChannel);
    message.mutable_guild_id()->set_value(kGuild);
    message.set_content(content.empty() ? "message " + std::to_string(id) : content);
    message.mutable_author()->set_id(author);
    message.mutable_author()->set_username("author" + std::to_string(author));
    message.set_type(pb::MessageData::DEFAULT);
    message.add_mentions()->set_id(kAlice);
    discord::MessageCreateEvent event{GuildId(kGuild), ChannelId(kChannel), MessageId(id),
                                      &message};
    cache_->ApplyMessageCreate(event);
  }

  pb::MessageData Get(uint64_t id) {
    pb::MessageData message;
    EXPECT_TRUE(cache_->GetMessage(ChannelId(kChannel), MessageId(id), &message)) << id;
    return message;
  }

  void React(discord::ReactionEvent::Kind kind, uint64_t user, std::string emoji,
             uint64_t message = 900, bool burst = false) {
    discord::ReactionEvent event;
    event.kind = kind;
    event.guild = GuildId(kGuild);
    event.channel = ChannelId(kChannel);
    event.message = MessageId(message);
    event.user = UserId(user);
    event.emoji_name = std::move(emoji);
    event.burst = burst;
    cache_->ApplyReaction(event);
  }

  std::unique_ptr<ShardCache> cache_;
};

TEST_F(MessageTest, CreateStoresAndDuplicatesReplace) {
  Create(900);
  EXPECT_EQ(Get(900).content(), "message 900");
  Create(900, 600, "edited by a repeat");
  EXPECT_EQ(Get(900).content(), "edited by a repeat");
  EXPECT_EQ(cache_->counts().messages, 1u);
  pb::UserData author;
  ASSERT_TRUE(cache_->GetUser(UserId(600), &author));  // authors are users of the shard
  EXPECT_EQ(author.username(), "author600");
}

TEST_F(MessageTest, RingEvictsTheOldestAndReleasesAuthors) {
  CacheOptions options;
  options.message_depth = 3;
  Make(options);
  for (uint64_t id = 1; id <= 5; ++id) Create(id, 600 + id);
  EXPECT_EQ(cache_->counts().messages, 3u);
  EXPECT_FALSE(cache_->GetMessage(ChannelId(kChannel), MessageId(1), nullptr));
  EXPECT_FALSE(cache_->GetMessage(ChannelId(kChannel), MessageId(2), nullptr));
  for (uint64_t id = 3; id <= 5; ++id) EXPECT_EQ(Get(id).id(), id);
  EXPECT_FALSE(cache_->GetUser(UserId(601), nullptr));  // evicted with its message
  EXPECT_TRUE(cache_->GetUser(UserId(605), nullptr));
  // Delete from the middle, then keep appending: order and depth hold.
  cache_->ApplyMessageDelete({GuildId(kGuild), ChannelId(kChannel), MessageId(4)}, nullptr);
  Create(6);
  Create(7);
  EXPECT_EQ(cache_->counts().messages, 3u);
  EXPECT_FALSE(cache_->GetMessage(ChannelId(kChannel), MessageId(3), nullptr));
  for (uint64_t id : {5, 6, 7}) EXPECT_EQ(Get(id).id(), id);
}

TEST_F(MessageTest, DepthZeroOrKindOffKeepsNothing) {
  CacheOptions options;
  options.message_depth = 0;
  Make(options);
  Create(900);
  EXPECT_EQ(cache_->counts().messages, 0u);
  Make(Without(Kind::kMessages));
  Create(900);
  EXPECT_EQ(cache_->counts().messages, 0u);
  pb::MessageData previous;
  cache_->ApplyMessageDelete({GuildId(kGuild), ChannelId(kChannel), MessageId(900)}, &previous);
  EXPECT_EQ(previous.ByteSizeLong(), 0u);
}

TEST_F(MessageTest, UpdateMergesOnlyPresentFields) {
  Create(900);
  pb::MessageData partial;
  partial.set_id(900);
  partial.set_channel_id(kChannel);
  partial.set_content("edited");
  partial.mutable_edited_timestamp()->set_seconds(1700000000);
  discord::MessageUpdateEvent event{GuildId(kGuild), ChannelId(kChannel), MessageId(900), &partial};
  event.present.set(1).set(2).set(4).set(6).set(12);  // mentions (12) present and empty
  pb::MessageData previous, current;
  EXPECT_TRUE(cache_->ApplyMessageUpdate(event, &previous, &current));
  EXPECT_EQ(previous.content(), "message 900");
  EXPECT_EQ(previous.mentions_size(), 1);
  EXPECT_EQ(current.content(), "edited");
  EXPECT_EQ(current.edited_timestamp().seconds(), 1700000000);
  EXPECT_EQ(current.mentions_size(), 0);
  EXPECT_EQ(current.author().id(), 600u);  // absent from the event: kept
  EXPECT_EQ(current.type(), pb::MessageData::DEFAULT);
  EXPECT_EQ(Get(900).SerializeAsString(), current.SerializeAsString());
  // Idempotent.
  pb::MessageData current2;
  EXPECT_TRUE(cache_->ApplyMessageUpdate(event, nullptr, &current2));
  EXPECT_EQ(current2.SerializeAsString(), current.SerializeAsString());
  // A field present but null clears it.
  pb::MessageData cleared;
  discord::MessageUpdateEvent unedit{GuildId(kGuild), ChannelId(kChannel), MessageId(900),
                                     &cleared};
  unedit.present.set(6);
  EXPECT_TRUE(cache_->ApplyMessageUpdate(unedit, nullptr, nullptr));
  EXPECT_FALSE(Get(900).has_edited_timestamp());
  EXPECT_EQ(Get(900).content(), "edited");
}

TEST_F(MessageTest, UpdateOfUncachedMessageBuildsFromTheEvent) {
  pb::MessageData partial;
  partial.set_content("new content");
  discord::MessageUpdateEvent event{GuildId(kGuild), ChannelId(kChannel), MessageId(901), &partial};
  event.present.set(4);
  pb::MessageData previous, current;
  EXPECT_FALSE(cache_->ApplyMessageUpdate(event, &previous, &current));
  EXPECT_EQ(previous.ByteSizeLong(), 0u);
  EXPECT_EQ(current.id(), 901u);
  EXPECT_EQ(current.channel_id(), kChannel);
  EXPECT_EQ(current.guild_id().value(), kGuild);
  EXPECT_EQ(current.content(), "new content");
  EXPECT_EQ(cache_->counts().messages, 0u);
}

TEST_F(MessageTest, DeleteAndBulkDelete) {
  for (uint64_t id = 900; id < 905; ++id) Create(id);
  pb::MessageData previous;
  cache_->ApplyMessageDelete({GuildId(kGuild), ChannelId(kChannel), MessageId(902)}, &previous);
  EXPECT_EQ(previous.content(), "message 902");
  cache_->ApplyMessageDeleteBulk(
      {GuildId(kGuild), ChannelId(kChannel), {MessageId(900), MessageId(903), MessageId(999)}});
  EXPECT_EQ(cache_->counts().messages, 2u);
  EXPECT_EQ(Get(901).id(), 901u);
  EXPECT_EQ(Get(904).id(), 904u);
  cache_->ApplyMessageDeleteBulk(
      {GuildId(kGuild), ChannelId(kChannel), {MessageId(901), MessageId(904)}});
  EXPECT_EQ(cache_->counts().messages, 0u);
  EXPECT_FALSE(cache_->GetUser(UserId(600), nullptr));
  EXPECT_EQ(cache_->Usage(Kind::kMessages).objects, 0u);
}

TEST_F(MessageTest, Reactions) {
  using K = discord::ReactionEvent::Kind;
  Create(900);
  React(K::kAdd, kAlice, "👍");
  React(K::kAdd, kBob, "👍");
  React(K::kAdd, kBot, "👍");
  React(K::kAdd, kBot, "👍");  // the bot's own reaction delivered twice
  React(K::kAdd, kBob, "🔥");
  pb::MessageData message = Get(900);
  ASSERT_EQ(message.reactions_size(), 2);
  EXPECT_EQ(message.reactions(0).emoji().name(), "👍");
  EXPECT_EQ(message.reactions(0).count(), 3u);
  EXPECT_TRUE(message.reactions(0).me());
  EXPECT_EQ(message.reactions(1).count(), 1u);
  EXPECT_FALSE(message.reactions(1).me());

  React(K::kRemove, kBot, "👍");
  message = Get(900);
  EXPECT_EQ(message.reactions(0).count(), 2u);
  EXPECT_FALSE(message.reactions(0).me());
  React(K::kRemove, kBob, "🔥");  // count 0: removed
  message = Get(900);
  ASSERT_EQ(message.reactions_size(), 1);
  React(K::kAdd, kBob, "🔥");
  React(K::kRemoveEmoji, 0, "👍");
  message = Get(900);
  ASSERT_EQ(message.reactions_size(), 1);
  EXPECT_EQ(message.reactions(0).emoji().name(), "🔥");
  React(K::kRemoveAll, 0, "");
  EXPECT_EQ(Get(900).reactions_size(), 0);
  React(K::kAdd, kAlice, "👍", 12345);  // not cached: nothing
  EXPECT_EQ(cache_->counts().messages, 1u);
  // Only the reactions were rewritten: everything else is as created.
  message = Get(900);
  EXPECT_EQ(message.content(), "message 900");
  EXPECT_EQ(message.author().username(), "author600");
  ASSERT_EQ(message.mentions_size(), 1);
  EXPECT_EQ(message.mentions(0).id(), kAlice);
  EXPECT_EQ(message.guild_id().value(), kGuild);
}

// The serialized path equals parse + ApplyReactionToMessage + serialize, whatever the position of
// the reactions among the other fields; bytes that do not scan are left alone.
TEST(ApplyReactionToSerializedTest, MatchesTheParsedPathAndRejectsBadBytes) {
  using K = discord::ReactionEvent::Kind;
  pb::MessageData original;
  original.set_id(900);
  original.set_content("hello");
  original.add_reactions()->mutable_emoji()->set_name("a");
  original.mutable_reactions(0)->set_count(2);
  original.add_reactions()->mutable_emoji()->set_name("b");
  original.mutable_reactions(1)->set_count(1);
  original.mutable_author()->set_id(600);
  original.add_embeds()->set_title("embed");
  std::string bytes = original.SerializeAsString();
  // A field after the reactions, as a merge of two messages would leave it.
  pb::MessageData tail;
  tail.set_pinned(true);
  bytes += tail.SerializeAsString();

  pb::MessageData scratch;
  std::string buffer;
  for (K kind : {K::kAdd, K::kRemove, K::kRemoveEmoji, K::kRemoveEmoji, K::kAdd, K::kRemoveAll}) {
    discord::ReactionEvent event;
    event.kind = kind;
    event.user = UserId(kAlice);
    event.emoji_name = kind == K::kAdd ? "c" : "a";
    pb::MessageData expected;
    ASSERT_TRUE(expected.ParseFromString(bytes));
    bool changed = ApplyReactionToMessage(event, UserId(kBot), &expected);
    std::string before = bytes;
    EXPECT_EQ(ApplyReactionToSerialized(event, UserId(kBot), &scratch, &buffer, &bytes), changed);
    if (!changed) {
      EXPECT_EQ(bytes, before);
    }
    pb::MessageData got;
    ASSERT_TRUE(got.ParseFromString(bytes));
    EXPECT_EQ(got.SerializeAsString(), expected.SerializeAsString()) << got.DebugString();
  }
  EXPECT_TRUE(scratch.content().empty());

  discord::ReactionEvent add;
  add.kind = K::kAdd;
  add.emoji_name = "x";
  for (std::string bad : {std::string("\x0a\x05"
                                      "ab"),
                          std::string("\x0b"), std::string("\x80")}) {
    std::string data = bad;
    EXPECT_FALSE(ApplyReactionToSerialized(add, UserId(kBot), &scratch, &buffer, &data));
    EXPECT_EQ(data, bad);
  }
}

TEST_F(MessageTest, CustomEmojiReactionsMatchById) {
  using K = discord::ReactionEvent::Kind;
  Create(900);
  discord::ReactionEvent event;
  event.kind = K::kAdd;
  event.channel = ChannelId(kChannel);
  event.message = MessageId(900);
  event.user = UserId(kAlice);
  event.emoji_id = EmojiId(300);
  event.emoji_name = "pog";
  cache_->ApplyReaction(event);
  event.emoji_name = "renamed";  // same emoji id
  event.user = UserId(kBob);
  cache_->ApplyReaction(event);
  pb::MessageData message = Get(900);
  ASSERT_EQ(message.reactions_size(), 1);
  EXPECT_EQ(message.reactions(0).emoji().id(), 300u);
  EXPECT_EQ(message.reactions(0).count(), 2u);
}

TEST_F(MessageTest, WebhookAuthorsAreNotUsers) {
  pb::MessageData message;
  message.set_id(950);
  message.set_channel_id(kChannel);
  message.mutable_author()->set_id(4242);
  message.mutable_webhook_id()->set_value(4242);
  discord::MessageCreateEvent event{GuildId(kGuild), ChannelId(kChannel), MessageId(950), &message};
  cache_->ApplyMessageCreate(event);
  EXPECT_FALSE(cache_->GetUser(UserId(4242), nullptr));
  EXPECT_EQ(Get(950).author().id(), 4242u);
}

}  // namespace
}  // namespace pylon::cache
