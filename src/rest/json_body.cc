// Copyright 2026 The Pylon Gateway Authors.

#include "rest/json_body.h"

#include <atomic>

#include "discord/model.h"

namespace pylon::rest {
namespace {

using Embed = pb::MessageData::MessageEmbedData;
using Component = pb::MessageData::MessageComponentData;

constexpr int kMaxComponentNesting = 16;

std::string Base64(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(data[i]) << 16 | static_cast<uint8_t>(data[i + 1]) << 8 |
                 static_cast<uint8_t>(data[i + 2]);
    out.push_back(kAlphabet[n >> 18]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  if (i + 1 == data.size()) {
    uint32_t n = static_cast<uint8_t>(data[i]) << 16;
    out.push_back(kAlphabet[n >> 18]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out += "==";
  } else if (i + 2 == data.size()) {
    uint32_t n = static_cast<uint8_t>(data[i]) << 16 | static_cast<uint8_t>(data[i + 1]) << 8;
    out.push_back(kAlphabet[n >> 18]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

void WriteTimestamp(JsonWriter& w, const google::protobuf::Timestamp& t) {
  int64_t us = t.seconds() * 1000000 + t.nanos() / 1000;
  w.String(discord::FormatTimestamp(us));
}

void WriteComponent(JsonWriter& w, const Component& c, int depth) {
  w.BeginObject();
  w.Key("type").UInt(c.type() == Component::ACTION_ROW ? 1 : c.type() == Component::BUTTON ? 2 : 0);
  if (c.style() != Component::UNKNOWN_BUTTON) w.Key("style").UInt(c.style());
  if (!c.label().empty()) w.Key("label").String(c.label());
  if (c.has_emoji()) {
    w.Key("emoji").BeginObject();
    if (c.emoji().id() != 0) w.Key("id").Id(c.emoji().id());
    if (!c.emoji().name().empty()) w.Key("name").String(c.emoji().name());
    if (c.emoji().animated()) w.Key("animated").Bool(true);
    w.EndObject();
  }
  if (!c.custom_id().empty()) w.Key("custom_id").String(c.custom_id());
  if (!c.url().empty()) w.Key("url").String(c.url());
  if (c.disabled()) w.Key("disabled").Bool(true);
  if (c.components_size() > 0 && depth < kMaxComponentNesting) {
    w.Key("components").BeginArray();
    for (const Component& child : c.components()) WriteComponent(w, child, depth + 1);
    w.EndArray();
  }
  w.EndObject();
}

void Check(std::string_view text, size_t max, std::string path, FormErrors* errors, size_t* total) {
  size_t n = CharCount(text);
  if (total) *total += n;
  if (n > max) {
    errors->Add(std::move(path), "BASE_TYPE_MAX_LENGTH",
                "Must be " + std::to_string(max) + " or fewer in length.");
  }
}

std::string Join(std::string_view prefix, std::string_view key) {
  std::string out(prefix);
  if (!out.empty()) out.push_back('.');
  out += key;
  return out;
}

}  // namespace

std::optional<uint32_t> ToDiscordChannelType(pb::ChannelData::ChannelType type) {
  using C = pb::ChannelData;
  switch (type) {
    case C::GUILD_TEXT:
    case C::DM:
    case C::GUILD_VOICE:
    case C::GROUP_DM:
    case C::GUILD_CATEGORY:
    case C::GUILD_NEWS:
    case C::GUILD_STORE:
      return static_cast<uint32_t>(type) - 1;
    case C::PUBLIC_THREAD:
      return 11;
    case C::PRIVATE_THREAD:
      return 12;
    case C::GUILD_STAGE_VOICE:
      return 13;
    default:
      return std::nullopt;
  }
}

uint32_t ToDiscordOverwriteType(
    pb::ChannelData::ChannelPermissionOverwriteData::ChannelPermissionOverwriteType type) {
  return type == pb::ChannelData::ChannelPermissionOverwriteData::MEMBER ? 1 : 0;
}

void WriteEmbed(JsonWriter& w, const Embed& e) {
  w.BeginObject();
  w.Key("type").String("rich");
  if (!e.title().empty()) w.Key("title").String(e.title());
  if (!e.description().empty()) w.Key("description").String(e.description());
  if (!e.url().empty()) w.Key("url").String(e.url());
  if (e.has_timestamp()) {
    w.Key("timestamp");
    WriteTimestamp(w, e.timestamp());
  }
  if (e.color() != 0) w.Key("color").UInt(e.color() & 0xFFFFFF);
  if (e.has_footer()) {
    w.Key("footer").BeginObject().Key("text").String(e.footer().text());
    if (!e.footer().icon_url().empty()) w.Key("icon_url").String(e.footer().icon_url());
    w.EndObject();
  }
  if (e.has_image()) w.Key("image").BeginObject().Key("url").String(e.image().url()).EndObject();
  if (e.has_thumbnail()) {
    w.Key("thumbnail").BeginObject().Key("url").String(e.thumbnail().url()).EndObject();
  }
  if (e.has_author()) {
    w.Key("author").BeginObject().Key("name").String(e.author().name());
    if (!e.author().url().empty()) w.Key("url").String(e.author().url());
    if (!e.author().icon_url().empty()) w.Key("icon_url").String(e.author().icon_url());
    w.EndObject();
  }
  if (e.fields_size() > 0) {
    w.Key("fields").BeginArray();
    for (const auto& f : e.fields()) {
      w.BeginObject().Key("name").String(f.name()).Key("value").String(f.value());
      if (f.inline_()) w.Key("inline").Bool(true);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

void WriteAllowedMentions(JsonWriter& w, const pb::MessageData::MessageAllowedMentionsData& m) {
  w.BeginObject();
  w.Key("parse").BeginArray();
  if (m.has_parse()) {
    if (m.parse().users()) w.String("users");
    if (m.parse().roles()) w.String("roles");
    if (m.parse().everyone()) w.String("everyone");
  }
  w.EndArray();
  if (m.has_roles()) {
    w.Key("roles");
    WriteIdList(w, m.roles().values());
  }
  if (m.has_users()) {
    w.Key("users");
    WriteIdList(w, m.users().values());
  }
  w.EndObject();
}

void WriteComponents(JsonWriter& w, const google::protobuf::RepeatedPtrField<Component>& list) {
  w.BeginArray();
  for (const Component& c : list) WriteComponent(w, c, 1);
  w.EndArray();
}

void WriteOverwrites(
    JsonWriter& w,
    const google::protobuf::RepeatedPtrField<pb::ChannelData::ChannelPermissionOverwriteData>& o) {
  w.BeginArray();
  for (const auto& overwrite : o) {
    w.BeginObject();
    w.Key("id").Id(overwrite.id());
    w.Key("type").UInt(ToDiscordOverwriteType(overwrite.type()));
    w.Key("allow").UIntString(overwrite.allow());
    w.Key("deny").UIntString(overwrite.deny());
    w.EndObject();
  }
  w.EndArray();
}

void WriteIdList(JsonWriter& w, const google::protobuf::RepeatedField<uint64_t>& ids) {
  w.BeginArray();
  for (uint64_t id : ids) w.Id(id);
  w.EndArray();
}

std::string ImageDataUri(const std::string& bytes) {
  if (bytes.starts_with("data:")) return bytes;
  std::string_view type = "png";
  if (bytes.starts_with("\xFF\xD8\xFF")) {
    type = "jpeg";
  } else if (bytes.starts_with("GIF8")) {
    type = "gif";
  } else if (bytes.size() >= 12 && bytes.compare(0, 4, "RIFF") == 0 &&
             bytes.compare(8, 4, "WEBP") == 0) {
    type = "webp";
  }
  return "data:image/" + std::string(type) + ";base64," + Base64(bytes);
}

std::string MultipartBody(std::string_view payload_json, std::string_view filename,
                          std::string_view data, std::string* content_type) {
  static std::atomic<uint64_t> counter{0};
  std::string boundary = "pylon-" + std::to_string(counter.fetch_add(1)) + "-" +
                         std::to_string(reinterpret_cast<uintptr_t>(&counter) & 0xFFFFFF);
  // The boundary must not occur in the parts; make it longer until it does not.
  while (payload_json.find(boundary) != std::string_view::npos ||
         data.find(boundary) != std::string_view::npos) {
    boundary += "x";
  }
  std::string safe_name;
  for (char c : filename) safe_name.push_back(c == '"' || c == '\r' || c == '\n' ? '_' : c);
  if (safe_name.empty()) safe_name = "file";
  std::string body;
  body.reserve(payload_json.size() + data.size() + 400);
  body += "--" + boundary + "\r\n";
  body += "Content-Disposition: form-data; name=\"payload_json\"\r\n";
  body += "Content-Type: application/json\r\n\r\n";
  body += payload_json;
  body += "\r\n--" + boundary + "\r\n";
  body += "Content-Disposition: form-data; name=\"files[0]\"; filename=\"" + safe_name + "\"\r\n";
  body += "Content-Type: application/octet-stream\r\n\r\n";
  body += data;
  body += "\r\n--" + boundary + "--\r\n";
  *content_type = "multipart/form-data; boundary=" + boundary;
  return body;
}

size_t CharCount(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

void CheckContent(std::string_view content, std::string_view path, FormErrors* errors) {
  Check(content, 2000, std::string(path), errors, nullptr);
}

size_t CheckEmbed(const Embed& e, std::string_view prefix, FormErrors* errors) {
  size_t total = 0;
  Check(e.title(), 256, Join(prefix, "title"), errors, &total);
  Check(e.description(), 4096, Join(prefix, "description"), errors, &total);
  if (e.fields_size() > 25) {
    errors->Add(Join(prefix, "fields"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
  }
  for (int i = 0; i < e.fields_size(); ++i) {
    std::string field = Join(prefix, "fields." + std::to_string(i));
    const auto& f = e.fields(i);
    if (f.name().empty()) {
      errors->Add(Join(field, "name"), "BASE_TYPE_REQUIRED", "This field is required");
    }
    if (f.value().empty()) {
      errors->Add(Join(field, "value"), "BASE_TYPE_REQUIRED", "This field is required");
    }
    Check(f.name(), 256, Join(field, "name"), errors, &total);
    Check(f.value(), 1024, Join(field, "value"), errors, &total);
  }
  if (e.has_footer()) Check(e.footer().text(), 2048, Join(prefix, "footer.text"), errors, &total);
  if (e.has_author()) Check(e.author().name(), 256, Join(prefix, "author.name"), errors, &total);
  if (total > 6000) {
    errors->Add(std::string(prefix), "MAX_EMBED_SIZE_EXCEEDED",
                "Embed size exceeds maximum size of 6000");
  }
  return total;
}

}  // namespace pylon::rest
