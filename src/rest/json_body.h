// Copyright 2026 The Pylon Gateway Authors.
// The public protobuf model -> Discord's request bodies (JSON, v10): the pieces several methods
// share (embeds, allowed mentions, components, overwrites, images, multipart with one file), the
// reverse enum offsets, and Discord's validation of message content and embeds (the limits of
// discord-protocol.md §8 and Discord's docs, counted in characters: code points). Stateless.

#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/json_writer.h"
#include "discord/v1/model.pb.h"
#include "rest/rest_error.h"

namespace pylon::rest {

namespace pb = ::pylon::discord::v1::model;

// ChannelData.ChannelType -> Discord's number (nullopt for UNKNOWN).
std::optional<uint32_t> ToDiscordChannelType(pb::ChannelData::ChannelType type);
// ROLE -> 0, MEMBER -> 1 (UNKNOWN -> 0).
uint32_t ToDiscordOverwriteType(
    pb::ChannelData::ChannelPermissionOverwriteData::ChannelPermissionOverwriteType type);

void WriteEmbed(JsonWriter& w, const pb::MessageData::MessageEmbedData& embed);
void WriteAllowedMentions(JsonWriter& w, const pb::MessageData::MessageAllowedMentionsData& m);
void WriteComponents(
    JsonWriter& w,
    const google::protobuf::RepeatedPtrField<pb::MessageData::MessageComponentData>& components);
void WriteOverwrites(
    JsonWriter& w,
    const google::protobuf::RepeatedPtrField<pb::ChannelData::ChannelPermissionOverwriteData>& o);
void WriteIdList(JsonWriter& w, const google::protobuf::RepeatedField<uint64_t>& ids);

// Image bytes as Discord wants them: "data:image/<png|jpeg|gif|webp>;base64,...", the type sniffed
// from the magic bytes (png when unknown). Bytes that already are a data URI pass unchanged.
std::string ImageDataUri(const std::string& bytes);

// A multipart/form-data body: `payload_json` and one file as files[0]. Sets *content_type.
std::string MultipartBody(std::string_view payload_json, std::string_view filename,
                          std::string_view data, std::string* content_type);

// Unicode code points of UTF-8 text (Discord's "characters").
size_t CharCount(std::string_view utf8);

// Discord's limits on message content (2000) and an embed (title 256, description 4096, 25
// fields of name 256 / value 1024, footer 2048, author 256, 6000 in total): errors under `prefix`
// ("embed" -> "embed.title"). Returns the embed's total characters.
void CheckContent(std::string_view content, std::string_view path, FormErrors* errors);
size_t CheckEmbed(const pb::MessageData::MessageEmbedData& embed, std::string_view prefix,
                  FormErrors* errors);

}  // namespace pylon::rest
